"""Child process for test_quit_during_sync: a sync cycle on the real Qt runner against a
server that never answers; on "quit" from stdin, shut down as the application does and
return from main. The parent measures how long the process then takes to end."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.sync.auth import Tokens
from app.sync.client import ServerClient
from app.sync.engine import SyncEngine
from app.ui.shell.tasks import QtTaskRunner


def open_store(path: Path) -> object:
    try:
        from app.storage.store import Store
    except ImportError:  # the tree before the store door (to show the test failing there)
        from app.storage.repository import InboxRepository

        from app.storage.db import open_database

        return InboxRepository(open_database(path))
    return Store.open(path)


def main() -> None:
    url, store = sys.argv[1], Path(sys.argv[2])
    _app = QCoreApplication([])
    runner = QtTaskRunner(lambda: open_store(store), lambda error: None)  # type: ignore[arg-type, return-value]
    tokens = Tokens("access", "refresh", int(time.time()) + 3600)
    engine = SyncEngine(ServerClient(url, tokens=tokens), runner.store_call)
    runner.run(engine.sync_once, key="sync")
    print("syncing", flush=True)
    sys.stdin.readline()  # "quit": the agent closes the window
    try:
        runner.shutdown(timeout=5.0)  # what CrossDeskApp.shutdown does
    except TypeError:  # the runner before explicit shutdown semantics
        runner.shutdown()
    print("shut down", flush=True)


if __name__ == "__main__":
    main()
