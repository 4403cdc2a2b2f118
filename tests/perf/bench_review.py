"""Review benchmark: a 500-message conversation opened in the review view.

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_review.py [--store FILE] [--runs 7]

Uses the generated store of ``tests/perf/generate_store.py`` (``--store``, e.g. the
100,000-conversation one), else generates a small one with the same 500-message threads.
Each run opens a :class:`ReviewWindow` at 1366x768 on a 500-message conversation with
the application's real task runner (the store read on its own thread, the result back on
the UI thread) and waits until the transcript has painted its first rows:
``open_ms`` is that whole time; ``read_ms`` the store-lane read alone (transcript, cached
translations, findings, annotations, rubric, review, proposals).

Prints one JSON object on its last line. Target (2-core machine): open p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a store made by generate_store.py")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.config.paths import Paths, translations_dir
    from app.config.settings import Settings
    from app.i18n import I18n
    from app.ops.context import AppContext
    from app.ops.review_transcript import review_data
    from app.ops.types import Store
    from app.ui.review.window import ReviewWindow
    from app.ui.shell.headless import PaintWatcher
    from app.ui.shell.style import STYLE_SHEET
    from app.ui.shell.tasks import QtTaskRunner
    from tests.perf.bench_transcript import long_threads
    from tests.perf.figures import summary
    from tests.perf.generate_store import generate
    from tests.perf.qt_wait import wait_until

    qt_app = QApplication.instance() or QApplication(["bench"])
    assert isinstance(qt_app, QApplication)
    qt_app.setStyleSheet(STYLE_SHEET)
    with tempfile.TemporaryDirectory() as folder:
        store_path = args.store
        if store_path is None:
            store_path = Path(folder) / "bench.sqlite3"
            generate(store_path, conversations=1000, messages=12_000)
        ids = long_threads(store_path)
        errors: list[BaseException] = []
        tasks = QtTaskRunner(lambda: Store.open(store_path, create=False), errors.append)
        ctx = AppContext(
            paths=Paths(Path(folder) / "data"),
            settings=Settings(agent_language="en"),
            i18n=I18n("en", translations_dir()),
            tasks=tasks,
        )
        reader = Store.open(store_path, create=False)
        open_ms: list[float] = []
        read_ms: list[float] = []
        rows = 0
        try:
            for run in range(args.runs + 1):  # the first run warms the caches: not counted
                cid = ids[run % len(ids)]
                started = time.perf_counter()
                data = review_data(reader, None, cid, "en")
                read = (time.perf_counter() - started) * 1000
                painted: list[bool] = []
                started = time.perf_counter()
                view = ReviewWindow(ctx, cid, can_write=True)
                view.resize(1366, 768)
                view.show()
                watch = lambda _cid, v=view, p=painted: PaintWatcher(  # noqa: E731
                    v.transcript.viewport(), lambda: p.append(True)
                )
                view.loaded.connect(watch)
                wait_until(lambda p=painted: bool(p) or bool(errors), 30)
                elapsed = (time.perf_counter() - started) * 1000
                if errors:
                    raise errors[0]
                rows = view.model.rowCount()
                view.close()
                view.deleteLater()
                qt_app.processEvents()
                if run:
                    open_ms.append(elapsed)
                    read_ms.append(read)
                del data
        finally:
            reader.close()
            tasks.shutdown()
    opened = summary(open_ms)
    result = {
        "bench": "review_open",
        "messages": rows,
        "runs": args.runs,
        "open_ms": opened,
        "read_ms": summary(read_ms),
        "target_ms": TARGET_MS,
        "ok": opened["p95"] <= TARGET_MS,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
