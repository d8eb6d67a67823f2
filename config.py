"""Settings, read from environment variables, one class per environment.

``PRESSOFFICE_ENV`` chooses the class (development, testing, production); every setting a
deployment changes comes from an environment variable of the same name. The office's calendar,
hours and telephone numbers live here too, so that the contact block on every release and the
routing of every enquiry come from one place.
"""

from __future__ import annotations

import os
from datetime import time, timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused in production
# How passwords are hashed everywhere but the tests: werkzeug's scrypt at its own cost
# (n=32768, r=8, p=1).
STRONG_PASSWORD_HASH = "scrypt"  # noqa: S105 - a method name, not a password


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _time(name: str, default: str) -> time:
    raw = _env(name, default)
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a time such as 08:30, not {raw!r}") from exc


def _seconds(name: str, default: str) -> int:
    raw = _env(name, default)
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of seconds such as 60, not {raw!r}")
    return int(raw)


def check_database_url(url: str) -> str:
    """Refuse a DATABASE_URL that SQLAlchemy cannot read, naming the problem."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL is malformed: {url!r}") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL must be a sqlite:/// or postgresql:// URL, not {parsed.drivername!r}"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


MAX_REMEMBER = timedelta(days=14)


def check_session_limits(settings) -> None:
    """Refuse sign-in limits that would lock everyone out, or keep a stolen remember cookie
    working for longer than 14 days."""
    for name in ("REMEMBER_COOKIE_DURATION", "SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT"):
        value = settings.get(name)
        if isinstance(value, int):
            settings[name] = value = timedelta(seconds=value)
        if not isinstance(value, timedelta) or value <= timedelta(0):
            raise ConfigError(f"{name} must be a positive number of seconds, not {value!r}")
    if settings["REMEMBER_COOKIE_DURATION"] > MAX_REMEMBER:
        raise ConfigError(
            "REMEMBER_COOKIE_DURATION must be at most 1209600 seconds (14 days), not "
            f"{int(settings['REMEMBER_COOKIE_DURATION'].total_seconds())}"
        )


def check_page_cache(settings) -> None:
    """Refuse a PUBLIC_PAGE_CACHE other than memory or off (an older setting, "shared", kept
    pages in files, with the database's address in them)."""
    value = settings.get("PUBLIC_PAGE_CACHE")
    if value not in ("memory", "off"):
        raise ConfigError(
            f"PUBLIC_PAGE_CACHE must be memory or off, not {value!r} (public pages are no longer "
            "kept in files: delete the folder instance/page-cache, or PUBLIC_PAGE_CACHE_DIR)"
        )


class Config:
    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI: str | None = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts this long (14 days at most); the sign-in ends then, used or not.
    REMEMBER_COOKIE_DURATION = timedelta(
        seconds=_seconds("REMEMBER_COOKIE_DURATION", str(14 * 24 * 3600))
    )
    # Any other sign-in idles out when unused for the first, and ends after the second in any case.
    SESSION_IDLE_TIMEOUT = timedelta(seconds=_seconds("SESSION_IDLE_TIMEOUT", str(8 * 3600)))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(
        seconds=_seconds("SESSION_ABSOLUTE_TIMEOUT", str(24 * 3600))
    )
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a working day: a long edit must not lose its form

    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    # Behind a reverse proxy, how many proxies to trust for the client's address (which the
    # sign-in and enquiry limits count by). 0: use the connection's address.
    PROXY_HOPS = int(_env("PROXY_HOPS", "0"))
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = _env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = _env("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    PUBLIC_ENQUIRY_LIMIT = _env("PUBLIC_ENQUIRY_LIMIT", "5 per hour")
    PREVIEW_LINK_LIMIT = _env("PREVIEW_LINK_LIMIT", "30 per minute")

    # How long a cache in front of the app may keep a public page, the feed or a public API
    # answer, in seconds; never past the next embargo instant, whatever this says.
    PUBLIC_CACHE_MAX_AGE = _seconds("PUBLIC_CACHE_MAX_AGE", "60")
    # The app keeps rendered public pages in each worker's memory (public/caching/): while
    # nothing saved through the app changes them, and never longer than PUBLIC_CACHE_MAX_AGE
    # nor past the next embargo instant. "memory" (default) or "off". Never on disk.
    PUBLIC_PAGE_CACHE = _env("PUBLIC_PAGE_CACHE", "memory")

    # Where release attachments are kept: outside the web root, never served as static files.
    ATTACHMENT_DIR = _env("ATTACHMENT_DIR")
    MAX_CONTENT_LENGTH = 26 * 1024 * 1024
    MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024

    # The public address of the app, for links handed to journalists (embargoed previews).
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # The press office.
    PRESS_OFFICE_NAME = _env("PRESS_OFFICE_NAME", "The press office")
    OFFICE_TIMEZONE = _env("OFFICE_TIMEZONE", "Europe/London")
    OFFICE_HOURS_START = _time("OFFICE_HOURS_START", "08:30")
    OFFICE_HOURS_END = _time("OFFICE_HOURS_END", "17:00")
    # Monday is 0, as in date.weekday().
    OFFICE_DAYS = tuple(int(d) for d in (_env("OFFICE_DAYS", "0,1,2,3,4") or "").split(","))
    OFFICE_LINE = _env("OFFICE_LINE", "020 3513 0600")
    OUT_OF_HOURS_LINE = _env("OUT_OF_HOURS_LINE", "07836 217 729")
    HOLIDAY_COUNTRY = _env("HOLIDAY_COUNTRY", "GB")
    HOLIDAY_SUBDIVISION = _env("HOLIDAY_SUBDIVISION", "ENG")
    ENQUIRY_RETENTION_MONTHS = int(_env("ENQUIRY_RETENTION_MONTHS", "24"))
    # Media contacts not sent anything for this long are anonymised (pressoffice contacts
    # anonymise).
    CONTACT_RETENTION_MONTHS = int(_env("CONTACT_RETENTION_MONTHS", "24"))

    # Outgoing email is optional: without a host, links are shown to the officer to send.
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "25"))
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env("SMTP_STARTTLS", "0") == "1"
    MAIL_FROM = _env("MAIL_FROM", "press-office@example.org")
    # A new emailed enquiry is acknowledged at once (its reference, office hours or not, the
    # line to call if urgent, when to expect an answer); 0 turns acknowledgements off.
    MAIL_ACKNOWLEDGE = _env("MAIL_ACKNOWLEDGE", "1") != "0"

    # The job queue (huey) that delivers the outbox: SQLite in the instance folder unless
    # JOBS_URL names Redis (redis://127.0.0.1:6379/0), which any number of `pressoffice worker`
    # processes on any number of machines then share.
    JOBS_URL = _env("JOBS_URL")
    # The queue's name inside that storage, so that two offices can share one Redis.
    JOBS_QUEUE = _env("JOBS_QUEUE", "pressoffice")
    # A message the server refuses for now (4xx, or no answer) is tried again after
    # OUTBOX_RETRY_SECONDS, doubling each time, up to OUTBOX_MAX_ATTEMPTS tries in all.
    OUTBOX_MAX_ATTEMPTS = int(_env("OUTBOX_MAX_ATTEMPTS", "5"))
    OUTBOX_RETRY_SECONDS = _seconds("OUTBOX_RETRY_SECONDS", "60")
    # How long a worker's claim on a message lasts; past it the sweep hands the message on.
    OUTBOX_LEASE_SECONDS = _seconds("OUTBOX_LEASE_SECONDS", "120")
    # A batch of a distribution's messages holds its rows for that, plus this for each message
    # of the batch: the longest one message may take at the mail server's timeout.
    OUTBOX_BATCH_SECONDS_PER_MESSAGE = _seconds("OUTBOX_BATCH_SECONDS_PER_MESSAGE", "10")
    # A message still queued this long after its time is queued again by the sweep.
    OUTBOX_SWEEP_GRACE_SECONDS = _seconds("OUTBOX_SWEEP_GRACE_SECONDS", "60")

    # Staff notifications: the office's out-of-hours address, told of an out-of-hours enquiry
    # when nobody is on the duty rota; and how long before an enquiry's deadline its assignee
    # is reminded that it is still unanswered.
    OUT_OF_HOURS_EMAIL = _env("OUT_OF_HOURS_EMAIL")
    ENQUIRY_REMINDER_MINUTES = int(_env("ENQUIRY_REMINDER_MINUTES", "30"))

    # The enquiry desk by email. PRESS_OFFICE_EMAIL is the office's address (answers go from
    # it; mail from it is never taken for an enquiry). MAIL_IN_URL names the mailbox the
    # workers read (imap://USER:PASSWORD@HOST:PORT/INBOX or imaps://..., user and password
    # percent-encoded), every MAIL_IN_POLL_SECONDS, or at once where the server offers IDLE.
    # MAIL_IN_OAUTH_TOKEN_COMMAND prints an access token for XOAUTH2 (Microsoft 365), used
    # instead of the password. Mail read is marked seen, or moved to MAIL_IN_DONE_FOLDER when
    # set; never deleted. A message over MAIL_IN_MAX_BYTES is parked for staff, not logged.
    PRESS_OFFICE_EMAIL = _env("PRESS_OFFICE_EMAIL", MAIL_FROM)
    MAIL_IN_URL = _env("MAIL_IN_URL")
    MAIL_IN_POLL_SECONDS = _seconds("MAIL_IN_POLL_SECONDS", "30")
    MAIL_IN_OAUTH_TOKEN_COMMAND = _env("MAIL_IN_OAUTH_TOKEN_COMMAND")
    MAIL_IN_DONE_FOLDER = _env("MAIL_IN_DONE_FOLDER")
    MAIL_IN_MAX_BYTES = int(_env("MAIL_IN_MAX_BYTES", str(25 * 1024 * 1024)))

    # How passwords are hashed: werkzeug's scrypt at its full cost. Only TestingConfig names a
    # cheaper method (its users are made by the thousand); any other app refuses one.
    PASSWORD_HASH_METHOD = STRONG_PASSWORD_HASH

    @classmethod
    def check(cls, app) -> None:
        """Refuse to start with settings that would be unsafe or unusable."""
        check_session_limits(app.config)
        check_page_cache(app.config)
        if not app.config.get("TESTING") and (
            app.config.get("PASSWORD_HASH_METHOD") != STRONG_PASSWORD_HASH
        ):
            raise ConfigError(
                f"PASSWORD_HASH_METHOD must be {STRONG_PASSWORD_HASH!r} outside the tests, "
                f"not {app.config.get('PASSWORD_HASH_METHOD')!r}"
            )
        if app.config.get("SQLALCHEMY_DATABASE_URI"):
            app.config["SQLALCHEMY_DATABASE_URI"] = check_database_url(
                app.config["SQLALCHEMY_DATABASE_URI"]
            )


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A cheap scrypt (a millisecond, not a fifth of a second) for the tests' thousands of users
    # and sign-ins; the same check of the same kind of hash.
    PASSWORD_HASH_METHOD = "scrypt:256:8:1"  # noqa: S105 - a method name
    # Tests queue jobs in memory unless they name a shared queue.
    JOBS_URL = _env("JOBS_URL", "memory://")


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls, app) -> None:
        secret = app.config.get("SECRET_KEY")
        if not secret or secret == DEFAULT_SECRET:
            raise ConfigError(
                "SECRET_KEY must be set to a long random value in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if len(secret) < 32:
            raise ConfigError("SECRET_KEY is too short for production: use at least 32 characters")
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            raise ConfigError("DATABASE_URL must be set in production")
        if str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
            # Each worker process would count on its own, multiplying every limit.
            raise ConfigError(
                "RATELIMIT_STORAGE_URI must name a shared store in production, "
                "not memory://: set RATELIMIT_STORAGE_URI=redis://HOST:6379/0"
            )
        super().check(app)


configs = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None):
    name = name or os.environ.get("PRESSOFFICE_ENV", "development")
    try:
        return configs[name]
    except KeyError as exc:
        raise ConfigError(
            f"PRESSOFFICE_ENV must be one of {', '.join(configs)}, not {name!r}"
        ) from exc
