"""Rendered public pages, kept in this process's memory so that a visitor's request does no
database or template work while the page is right.

An entry is a page's bytes with the window of instants in which it may be served: from the
instant its rendering began until the soonest of the next instant at which it changes by the
clock alone (an embargo lifting, the office opening) and the end of the max-age it was sent
with, and only under the public-change token of the database it was read from
(``services.public_freshness``), which changes in the same transaction as anything a public page
shows. So a save through the app shows at once, and a change made behind the app's back (a
takedown by SQL, a restored backup), which leaves the token alone, shows within the max-age, as
it does through any cache in front of the app. Anything else is a miss and the page is rendered
again.

Pages live in memory only, never on disk: a restart starts with none, and no file holds them. A
key is a hash of the address and of the settings a page shows, none of them secret.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

MAX_ENTRIES = 512


@dataclass(frozen=True)
class StoredPage:
    """A rendered page and the window in which it is right."""

    key: str
    token: str
    valid_from: datetime
    valid_until: datetime  # the next change by the clock, or the end of its max-age if sooner
    body: bytes
    mimetype: str
    etag: str

    def serves(self, token: str | None, instant: datetime) -> bool:
        """Whether this page is the answer under ``token`` at ``instant``."""
        return self.token == token and self.valid_from <= instant < self.valid_until


class PageStore:
    """The kept pages of one app, the least recently used forgotten beyond ``max_entries``."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._pages: OrderedDict[str, StoredPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, token: str, instant: datetime) -> StoredPage | None:
        """The page for ``key`` if one is kept that is right at ``instant`` under ``token``."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if not page.serves(token, instant):
                if instant >= page.valid_until:
                    del self._pages[key]  # past its window: held no longer
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, page: StoredPage) -> None:
        """Keep ``page`` for its key, replacing whatever was kept for it."""
        with self._lock:
            self._pages[page.key] = page
            self._pages.move_to_end(page.key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def keys(self) -> list[str]:
        """The keys of the pages kept."""
        with self._lock:
            return list(self._pages)
