"""Reading the office's mailbox over IMAP (IMAPClient): one pass (``fetch_once``), or watching
it (``watch_mailbox``: IMAP IDLE where the server offers it, else a look every
``MAIL_IN_POLL_SECONDS``), for ``pressoffice mail fetch`` and ``pressoffice worker``.

Nothing is fetched twice or skipped: the mailbox's UIDVALIDITY and the last UID taken in are
kept in ``mailboxes`` and moved on in the same transaction as each message's ingest, so a crash
between fetching and committing fetches the message again (and its key keeps it single). A
changed UIDVALIDITY starts again from the lowest UID. The time a message arrived is its
INTERNALDATE. A message taken in is marked seen, or moved to ``MAIL_IN_DONE_FOLDER``; none is
ever deleted. A message that fails for any reason is parked and the pass goes on.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from imapclient import IMAPClient

from ... import clock
from ...extensions import db
from ...models import Mailbox
from .ingest import Ingested, ingest_or_park, max_bytes

log = logging.getLogger(__name__)

BATCH = 50
# At most this many bytes of messages are read from the server at once.
BATCH_BYTES = 64 * 1024 * 1024
# The words for each outcome in a pass's report, in the order they are said.
OUTCOME_WORDS = (
    ("enquiry", "new enquiry", "new enquiries"),
    ("follow_up", "follow-up", "follow-ups"),
    ("parked", "parked", "parked"),
    ("automatic", "automatic", "automatic"),
    ("bounce", "bounce", "bounces"),
    ("own", "from the office itself", "from the office itself"),
    ("already", "already had", "already had"),
)


class MailboxProblem(Exception):
    """The mailbox cannot be read as set up; the message says what to change."""


@dataclass(frozen=True)
class MailboxAddress:
    """Where the office's mail is read from, as ``MAIL_IN_URL`` says."""

    host: str
    port: int
    ssl: bool
    user: str
    password: str
    folder: str

    @property
    def name(self) -> str:
        """How the mailbox is named in the records: never with its password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:300]


def mailbox_address(url: str) -> MailboxAddress:
    """Read ``imap://USER:PASSWORD@HOST:PORT/FOLDER`` (or ``imaps://``; user and password
    percent-encoded; the folder defaults to INBOX). Raises MailboxProblem naming what is wrong."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("imap", "imaps"):
        raise MailboxProblem(
            "MAIL_IN_URL must look like imap://USER:PASSWORD@HOST:PORT/INBOX or imaps://..."
        )
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError:
        raise MailboxProblem("MAIL_IN_URL has a port that is not a number") from None
    if not parts.hostname or not parts.username:
        raise MailboxProblem("MAIL_IN_URL must name the user and the host: imap://USER@HOST/")
    return MailboxAddress(
        host=parts.hostname,
        port=port,
        ssl=parts.scheme == "imaps",
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


@dataclass
class FetchReport:
    """What one pass did, counted by outcome."""

    counts: Counter = field(default_factory=Counter)

    def add(self, result: Ingested) -> None:
        """Count one message's outcome (``already`` when it had come in before)."""
        self.counts["already" if result.already else result.outcome] += 1

    @property
    def taken_in(self) -> int:
        return sum(self.counts.values())

    def words(self) -> str:
        """The pass as a person reads it: "2 new enquiries, 1 follow-up, 0 parked, ..."."""
        said = []
        for key, one, many in OUTCOME_WORDS:
            number = self.counts.get(key, 0)
            if number or key in ("enquiry", "follow_up", "parked", "automatic", "already"):
                said.append(f"{number} {one if number == 1 else many}")
        return ", ".join(said)


def connect(address: MailboxAddress, token_command: str | None = None) -> IMAPClient:
    """Sign in to the mailbox (XOAUTH2 with the token ``token_command`` prints, else the
    password) and select its folder."""
    client = IMAPClient(address.host, port=address.port, ssl=address.ssl, timeout=60)
    client.normalise_times = False  # INTERNALDATE with its offset, never a local wall time
    try:
        if token_command:
            client.oauth2_login(address.user, _access_token(token_command))
        else:
            client.login(address.user, address.password)
        client.select_folder(address.folder)
    except BaseException:
        _close(client)
        raise
    return client


def _access_token(command: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - the office's own command, from its settings
            shlex.split(command), capture_output=True, text=True, timeout=60, check=True
        )
    except subprocess.CalledProcessError as exc:
        # Its arguments may carry a client secret: the failure names the exit status only.
        raise MailboxProblem(
            f"MAIL_IN_OAUTH_TOKEN_COMMAND failed (exit status {exc.returncode})"
        ) from None
    except subprocess.TimeoutExpired:
        raise MailboxProblem("MAIL_IN_OAUTH_TOKEN_COMMAND failed: it ran over 60 seconds") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise MailboxProblem(f"MAIL_IN_OAUTH_TOKEN_COMMAND failed: {reason}") from None
    token = done.stdout.strip()
    if not token:
        raise MailboxProblem("MAIL_IN_OAUTH_TOKEN_COMMAND printed no access token")
    return token


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may be gone already
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            log.debug("the IMAP connection was already closed")


def configured_address() -> MailboxAddress:
    """The mailbox ``MAIL_IN_URL`` names; MailboxProblem when it is not set or malformed."""
    url = current_app.config.get("MAIL_IN_URL")
    if not url:
        raise MailboxProblem("MAIL_IN_URL is not set: there is no mailbox to read")
    return mailbox_address(url)


def fetch_once(client: IMAPClient | None = None, address: MailboxAddress | None = None):
    """One pass over the mailbox: take in every message after the last UID taken in, oldest
    first; answers a FetchReport. Opens (and closes) its own connection unless given one."""
    address = address or configured_address()
    own = client is None
    if own:
        client = connect(address, current_app.config.get("MAIL_IN_OAUTH_TOKEN_COMMAND"))
    try:
        return _pass(client, address)
    finally:
        if own:
            _close(client)


def _pass(client: IMAPClient, address: MailboxAddress) -> FetchReport:
    report = FetchReport()
    status = client.folder_status(address.folder, [b"UIDVALIDITY"])
    uidvalidity = int(status[b"UIDVALIDITY"])
    last_uid = _last_uid(address.name, uidvalidity)
    # "N:*" always answers the highest UID, even one below N: only newer ones are taken.
    uids = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
    limit = max_bytes()
    for start in range(0, len(uids), BATCH):
        batch = uids[start : start + BATCH]
        facts = client.fetch(batch, ["RFC822.SIZE", "INTERNALDATE"])
        sizes = {uid: int(facts[uid].get(b"RFC822.SIZE") or 0) for uid in batch if uid in facts}
        bodies = _bodies(client, sizes, limit)
        done = []
        for uid in batch:
            if uid not in bodies:
                continue  # gone from the folder since the search (another reader moved it)
            arrived = _aware(facts[uid].get(b"INTERNALDATE"))
            report.add(_take_in_one(address, uid, uidvalidity, sizes[uid], arrived, bodies[uid]))
            done.append(uid)
        # After the commits: a crash before this fetches them again, and they are known.
        _done_with(client, done)
    return report


def _bodies(client: IMAPClient, sizes: dict[int, int], limit: int) -> dict[int, bytes]:
    """The messages' bytes, a few at a time up to BATCH_BYTES; only the headers of one over
    the limit (it stays whole in the mailbox)."""
    found: dict[int, bytes] = {}
    group: list[int] = []
    total = 0

    def read(uids: list[int], part: bytes) -> None:
        request = part.replace(b"BODY[", b"BODY.PEEK[")
        for uid, data in client.fetch(uids, [request]).items():
            found[uid] = data.get(part) or b""

    for uid, size in sizes.items():
        if size > limit:
            read([uid], b"BODY[HEADER]")
            continue
        if group and total + size > BATCH_BYTES:
            read(group, b"BODY[]")
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        read(group, b"BODY[]")
    return found


def _take_in_one(address, uid, uidvalidity, size, arrived, raw) -> Ingested:
    return ingest_or_park(
        raw, arrived, address.name, uid, uidvalidity=uidvalidity, size=size or len(raw)
    )


def _done_with(client: IMAPClient, uids: list[int]) -> None:
    """Mark the messages seen, or move them to ``MAIL_IN_DONE_FOLDER``; never delete one."""
    if not uids:
        return
    folder = current_app.config.get("MAIL_IN_DONE_FOLDER")
    try:
        if folder and client.has_capability("MOVE"):
            client.move(uids, folder)
        elif folder:
            client.copy(uids, folder)
            client.add_flags(uids, [b"\\Seen"])
        else:
            client.add_flags(uids, [b"\\Seen"])
    except IMAPClient.Error:
        # Another reader moved them first; they are taken in all the same.
        log.warning("could not mark UIDs %s as done", uids)


def _aware(instant) -> datetime | None:
    if not isinstance(instant, datetime):
        return None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def _last_uid(name: str, uidvalidity: int) -> int:
    """The last UID taken in under this UIDVALIDITY (0 when it changed or never read)."""
    row = db.session.scalar(sa.select(Mailbox).where(Mailbox.name == name))
    db.session.rollback()
    if row is None or row.uidvalidity != uidvalidity:
        return 0
    return row.last_uid or 0


# --- watching -------------------------------------------------------------------------------


def watch_mailbox(app, stop: threading.Event) -> None:
    """Take in the office's mail until ``stop`` is set: a pass, then wait for the server to
    say something arrived (IDLE) or ``MAIL_IN_POLL_SECONDS``, and again. A lost connection or
    a failed pass is logged and tried again after the poll interval; never fatal."""
    with app.app_context():
        address = configured_address()
        poll = max(1, int(app.config.get("MAIL_IN_POLL_SECONDS") or 30))
        token_command = app.config.get("MAIL_IN_OAUTH_TOKEN_COMMAND")
        while not stop.is_set():
            client = None
            try:
                client = connect(address, token_command)
                idle = client.has_capability("IDLE")
                while not stop.is_set():
                    report = _pass(client, address)
                    if report.taken_in:
                        log.info("mail %s: %s", address.name, report.words())
                    _record_look(address.name, None)
                    _wait(client, idle, poll, stop)
            except Exception as exc:  # noqa: BLE001 - the worker keeps delivering the outbox
                log.warning("mail %s: %s", address.name, exc)
                db.session.rollback()
                _record_look(address.name, f"{type(exc).__name__}: {exc}")
                stop.wait(poll)
            finally:
                if client is not None:
                    _close(client)
                db.session.remove()


def _wait(client: IMAPClient, idle: bool, poll: int, stop: threading.Event) -> None:
    if not idle:
        stop.wait(poll)
        # The server tells of new mail in the selected folder on a command such as NOOP.
        client.noop()
        return
    client.idle()
    try:
        waited = 0.0
        # Short IDLE checks, so that a stop is heard within a second.
        while waited < poll and not stop.is_set():
            if client.idle_check(timeout=1):
                break
            waited += 1
    finally:
        client.idle_done()


def _record_look(name: str, error: str | None) -> None:
    """Note when the mailbox was last read, and the last problem (shown to admins)."""
    from ..unit_of_work import unit_of_work

    @unit_of_work
    def note() -> None:
        row = db.session.get(Mailbox, name)
        if row is None:
            # A mailbox never read yet (a wrong password at the start): its problem shows too.
            row = Mailbox(name=name, last_uid=0)
            db.session.add(row)
        if error is None:
            row.last_fetch_at = clock.now()
        row.last_error = error[:2000] if error else None

    try:
        note()
    except Exception:  # noqa: BLE001 - a note is not worth stopping the watch for
        db.session.rollback()


def start_watching(app) -> tuple[threading.Thread, threading.Event]:
    """Watch the mailbox in a thread beside the job queue's consumer (``pressoffice worker``),
    so mail is taken in without holding up the outbox; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=watch_mailbox, args=(app, stop), name="mail-in", daemon=True)
    thread.start()
    return thread, stop
