"""Identical feed reads answered once.

A live event wakes every connected client at the same moment, and they all read the
same feed from the same cursor: a cursor names only the epoch, the feed, a position and
the compaction floor, so clients that are up to date hold equal cursors. A page is a
function of (feed, cursor, limit) and of the database state, and the state a feed can
show is named by the change counter (everything a feed shows takes a ``change_seq``;
compaction moves the floor, which is part of the key). So the first read builds the
page and the others, in the same snapshot position, get the same bytes. This turns the
fan-out of one customer message to N agents from N page builds into one (measured by
tests/perf/bench_live_load.py).

Bounded: at most ``max_entries`` pages and ``max_bytes`` of them, least recently used
first out; a page larger than a quarter of the budget is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# feed, cursor ("" for a snapshot), limit, epoch, floor, scope digest ("" for unscoped
# callers: callers limited to other teams never share a page, see app.server.scoping)
FeedKey = tuple[str, str, int, str, int, str]


class FeedPageCache:
    """Feed page bodies keyed by what determines them, valid at one counter value."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._pages: OrderedDict[FeedKey, tuple[int, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: FeedKey, newest: int) -> str | None:
        """The page body built when the counter stood at ``newest``, else None."""
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != newest:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: FeedKey, newest: int, body: str) -> None:
        size = len(body)
        if size * 4 > self._max_bytes or self._max_entries <= 0:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._pages[key] = (newest, body)
            self._bytes += size
            while len(self._pages) > self._max_entries or self._bytes > self._max_bytes:
                _key, (_seq, dropped) = self._pages.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._pages)
