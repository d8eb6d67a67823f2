"""A real IMAP server for the mail tests: Dovecot from Debian (``apt-get install
dovecot-imapd``), started once per test session (per xdist worker) on a free loopback port,
with a passwd-file user and a Maildir in a temporary folder.

``dovecot`` is the running server (``url``, ``host``, ``port``); ``mailbox`` empties the user's
INBOX around a test and gives ``append(raw, internaldate)``, which puts a message in with IMAP
APPEND: the server records ``internaldate`` as the instant it received it. Where Dovecot is
missing the tests that need it skip, saying so, unless ``PRESSOFFICE_REQUIRE_MAIL=1`` (CI),
where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from imapclient import IMAPClient

from ..jobs import conftest as jobs_fixtures
from ..jobs.conftest import free_port
from .outgoing_helpers import OFFICE

USER = "press@example.org"
# Characters a URL must percent-encode (a passwd-file cannot hold a colon).
PASSWORD = "s3cret/with@odd%chars"
TEMPLATE = Path(__file__).with_name("dovecot.conf.in")


def _dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None
    )


@dataclass
class Dovecot:
    host: str
    port: int
    folder: Path

    @property
    def url(self) -> str:
        user, password = quote(USER, safe=""), quote(PASSWORD, safe="")
        return f"imap://{user}:{password}@{self.host}:{self.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.normalise_times = False
        client.login(USER, PASSWORD)
        return client


def _missing(reason: str):
    if os.environ.get("PRESSOFFICE_REQUIRE_MAIL") == "1":
        pytest.fail(f"{reason} (PRESSOFFICE_REQUIRE_MAIL=1: the mail tests must run)")
    pytest.skip(f"{reason}: apt-get install dovecot-imapd to run the mail tests")


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"dovecot stopped at start: {log.read_text() if log.exists() else ''}"
            )
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening within 20 s")


@pytest.fixture(scope="session")
def dovecot():
    binary = _dovecot_binary()
    if binary is None:
        _missing("Dovecot is not installed")
    if os.geteuid() != 0:
        _missing("Dovecot for the tests runs as root (it switches to its own users)")
    # Not under pytest's own temporary folder: that is closed to Dovecot's users (0700).
    folder = Path(tempfile.mkdtemp(prefix="pressoffice-dovecot-"))
    folder.chmod(0o755)
    for name in ("run", "state", "mail", "home"):
        (folder / name).mkdir()
    shutil.chown(folder / "mail", "dovecot", "dovecot")
    shutil.chown(folder / "home", "dovecot", "dovecot")
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    config = TEMPLATE.read_text().replace("@DIR@", str(folder)).replace("@PORT@", str(port))
    (folder / "dovecot.conf").write_text(config)
    process = subprocess.Popen(
        [binary, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "stderr.log", "wb"),  # noqa: SIM115 - kept open while it runs
        start_new_session=True,
    )
    try:
        _wait_for_port(port, process, folder / "dovecot.log")
        yield Dovecot("127.0.0.1", port, folder)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        shutil.rmtree(folder, ignore_errors=True)


class Mailbox:
    """The test user's INBOX: ``append`` puts a message in as the server receiving it would."""

    def __init__(self, server: Dovecot):
        self.server = server
        self.url = server.url
        self._client = server.client()

    def append(self, raw: bytes, internaldate: datetime, folder: str = "INBOX") -> int:
        """APPEND ``raw`` with ``internaldate`` as the instant the server received it; the UID
        it was given."""
        answer = self._client.append(folder, raw, flags=(), msg_time=internaldate)
        # "[APPENDUID <uidvalidity> <uid>] ..." (UIDPLUS, which Dovecot has)
        text = answer.decode() if isinstance(answer, bytes) else str(answer)
        return int(text.split("APPENDUID", 1)[1].split()[1].rstrip("]"))

    def flags(self) -> dict[int, tuple]:
        self._client.select_folder("INBOX")
        uids = self._client.search("ALL")
        return {uid: data[b"FLAGS"] for uid, data in self._client.fetch(uids, ["FLAGS"]).items()}

    def count(self, folder: str = "INBOX") -> int:
        return self._client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"]

    def empty(self) -> None:
        for folder in ("INBOX",):
            self._client.select_folder(folder)
            uids = self._client.search("ALL")
            if uids:
                self._client.delete_messages(uids)
                self._client.expunge()
            self._client.unselect_folder()

    def close(self) -> None:
        self._client.logout()


@pytest.fixture
def mailbox(dovecot, app):
    """The INBOX, empty, with ``MAIL_IN_URL`` pointing at it for the test."""
    box = Mailbox(dovecot)
    box.empty()
    saved = app.config.get("MAIL_IN_URL")
    app.config["MAIL_IN_URL"] = dovecot.url
    yield box
    app.config["MAIL_IN_URL"] = saved
    box.empty()
    box.close()


# The real SMTP server on loopback and the job queue, shared with the outbox's tests.
smtp_server = jobs_fixtures.smtp_server
queue = jobs_fixtures.queue


def _office_settings(app, acknowledge: bool):
    saved = {k: app.config.get(k) for k in ("PRESS_OFFICE_EMAIL", "MAIL_ACKNOWLEDGE")}
    app.config.update(PRESS_OFFICE_EMAIL=OFFICE, MAIL_ACKNOWLEDGE=acknowledge)
    return saved


@pytest.fixture
def office(app):
    """The office's address set, acknowledging new emailed enquiries."""
    saved = _office_settings(app, acknowledge=True)
    yield
    app.config.update(saved)


@pytest.fixture
def quiet_office(app):
    """The office's address set, acknowledgements turned off."""
    saved = _office_settings(app, acknowledge=False)
    yield
    app.config.update(saved)
