"""The team's retention from the server: ``retention_days`` of ``GET /v1/me`` (contract 1.2,
optional), read once per sync engine (each time a workspace opens) and kept in the store,
where ``app.ops.retention`` finds it (the server's value wins over the local setting)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from weakref import WeakSet

from app.storage.purge import set_server_retention
from app.sync.client import NetworkError, ServerProblemError

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

_read: WeakSet[SyncEngine] = WeakSet()  # engines that have read it already


def pull_once(engine: SyncEngine) -> None:
    """Read the server's retention the first time this engine pulls (offline or refused:
    the next pull tries again; the value stored before stays meanwhile)."""
    if engine in _read:
        return
    try:
        me = engine.client.me()
    except (NetworkError, ServerProblemError, ValueError):  # ValueError: a malformed answer
        log.info("the server's retention could not be read; tried again next sync", exc_info=True)
        return
    engine.store_call(lambda repo: set_server_retention(repo, me.retention_days))
    _read.add(engine)
