"""Pressoffice: press releases under embargo and a routed media enquiry log."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort

from config import ConfigError, config_for

from .extensions import csrf, db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build an app for the named environment (default: ``PRESSOFFICE_ENV``)."""
    config_class = config_for(config_name)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'pressoffice.sqlite3'}"
        )
    if not app.config.get("ATTACHMENT_DIR"):
        app.config["ATTACHMENT_DIR"] = str(Path(app.instance_path) / "attachments")
    config_class.check(app)
    from .public.caching.front_door import install as install_front_door

    # Inside the proxy fix: the door sees the scheme, host and address the visitor asked from.
    install_front_door(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    _init_sqlite(app)

    from .jobs import configure_queue

    configure_queue(app)

    from . import auth, input_guard, navigation, timefmt

    input_guard.init_app(app)
    auth.init_app(app)
    timefmt.init_app(app)
    navigation.init_app(app)

    from .api import bp as api_bp
    from .public import bp as public_bp
    from .web import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)

    from .preview import bp as preview_bp
    from .signoff import bp as signoff_bp

    app.register_blueprint(preview_bp)
    app.register_blueprint(signoff_bp)
    # The JSON API authenticates with bearer tokens, not cookies, so a forged
    # cross-site form cannot ride on a session there.
    csrf.exempt(api_bp)

    from . import errors

    errors.init_app(app)
    app.url_value_preprocessor(_ids_the_database_can_hold)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    return app


def _ids_the_database_can_hold(_endpoint, values) -> None:
    """Every number in a route names a row: one too big to be an id names nothing (404),
    instead of reaching the database, which would refuse it."""
    from .models import MAX_ID

    for value in (values or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            abort(404)


def _init_sqlite(app: Flask) -> None:
    """SQLite: foreign keys, WAL, a busy timeout and write transactions that lock first."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from .services.unit_of_work import configure_sqlite

    with app.app_context():
        configure_sqlite(db.engine)


__all__ = ["create_app", "ConfigError"]
