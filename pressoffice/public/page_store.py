"""Rendered public pages, kept so that a visitor's request does no database or template work
while nothing the page shows has changed.

An entry is a page's bytes with the window of instants in which they are right: from the
instant its rendering began to the next instant at which it changes by the clock alone (an
embargo lifting, the office opening), and the public-change token of the database it was read
from (``services.public_freshness``), which changes in the same transaction as anything a public
page shows. An entry is used only for its exact key, at an instant inside its window, under the
current token; anything else is a miss and the page is rendered again.

Entries live in each process's memory and, when ``PUBLIC_PAGE_CACHE_DIR`` names a folder, in
files there too, so that the workers of one server render a page once between them. The folder
holds at most ``MAX_FILES`` pages (one file per address, overwritten when the page changes).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

MAX_MEMORY_ENTRIES = 512
MAX_FILES = 2000


@dataclass(frozen=True)
class StoredPage:
    """A rendered page and the window in which it is right."""

    key: str
    token: str
    valid_from: datetime
    valid_until: datetime | None  # None: it changes only when the token does
    body: bytes
    mimetype: str
    etag: str

    def serves(self, key: str, token: str, instant: datetime) -> bool:
        """Whether this page is the answer for ``key`` under ``token`` at ``instant``."""
        return (
            self.key == key
            and self.token == token
            and self.valid_from <= instant
            and (self.valid_until is None or instant < self.valid_until)
        )


class PageStore:
    """The pages of one app: memory first, then the shared folder, if any."""

    def __init__(self, folder: str | os.PathLike | None, max_entries: int = MAX_MEMORY_ENTRIES):
        self.folder = Path(folder) if folder else None
        self.max_entries = max_entries
        self._memory: OrderedDict[str, StoredPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, token: str, instant: datetime) -> StoredPage | None:
        """The page for ``key`` if one is kept that is right at ``instant`` under ``token``."""
        with self._lock:
            page = self._memory.get(key)
        if page is not None and page.serves(key, token, instant):
            return page
        if self.folder is None:
            return None
        # Another worker may have rendered it since.
        page = self._read(key)
        if page is None or not page.serves(key, token, instant):
            return None
        self._remember(page)
        return page

    def put(self, page: StoredPage) -> None:
        """Keep ``page`` for its key, replacing whatever was kept for it."""
        self._remember(page)
        if self.folder is not None:
            self._write(page)

    def clear(self) -> None:
        """Forget every page of this process (the folder's files stay, keyed by token)."""
        with self._lock:
            self._memory.clear()

    def _remember(self, page: StoredPage) -> None:
        with self._lock:
            self._memory[page.key] = page
            self._memory.move_to_end(page.key)
            while len(self._memory) > self.max_entries:
                self._memory.popitem(last=False)

    # --- the shared folder ------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest() + ".page")

    def _read(self, key: str) -> StoredPage | None:
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        head, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(head)
            until = meta["valid_until"]
            return StoredPage(
                key=meta["key"],
                token=meta["token"],
                valid_from=datetime.fromtimestamp(meta["valid_from"], UTC),
                valid_until=None if until is None else datetime.fromtimestamp(until, UTC),
                body=body,
                mimetype=meta["mimetype"],
                etag=meta["etag"],
            )
        except (ValueError, KeyError, TypeError):
            return None

    def _write(self, page: StoredPage) -> None:
        meta = {
            "key": page.key,
            "token": page.token,
            "valid_from": page.valid_from.timestamp(),
            "valid_until": page.valid_until.timestamp() if page.valid_until else None,
            "mimetype": page.mimetype,
            "etag": page.etag,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Written aside and renamed into place: a reader sees a whole page or none.
            handle, name = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(meta).encode() + b"\n" + page.body)
            os.replace(name, self._path(page.key))
            if random.random() < 0.05:  # noqa: S311 - when to tidy, not a secret
                self._prune()
        except OSError:
            # A folder that cannot be written only costs the sharing, never the answer.
            return

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.page"), key=lambda p: p.stat().st_mtime)
        for stale in files[: max(0, len(files) - MAX_FILES)]:
            stale.unlink(missing_ok=True)
