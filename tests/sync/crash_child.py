"""The desk's sync, in a process of its own so that a test can SIGKILL it anywhere.

    python -m tests.sync.crash_child CONFIG.json

CONFIG names the store, the server and the tokens (signed in by the test). The child
syncs until a cycle ends online with nothing left to send, prints ``drained`` and
exits 0; the test usually kills it long before.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.ops.tasks import InlineTaskRunner
from app.storage.db import open_database
from app.storage.repository import InboxRepository
from app.sync.auth import Tokens
from app.sync.client import ServerClient
from app.sync.engine import SyncEngine

MAX_CYCLES = 100


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    runner = InlineTaskRunner(lambda: InboxRepository(open_database(Path(config["store"]))))
    client = ServerClient(config["url"], tokens=Tokens(**config["tokens"]))
    engine = SyncEngine(client, runner.store_call)
    try:
        for _ in range(MAX_CYCLES):
            report = engine.sync_once()
            print(f"cycle pushed={report.pushed} pending={report.pending}", flush=True)
            if report.error is not None:
                print(f"error {report.error}", flush=True)
            elif report.pending == 0:
                print("drained", flush=True)
                return 0
        return 1
    finally:
        client.close()
        runner.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
