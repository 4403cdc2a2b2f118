"""Transcript benchmark: a 500-message conversation exported to PDF, redacted.

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_transcript.py [--store FILE] [--runs 5]

Uses the generated store of ``tests/perf/generate_store.py`` (``--store``, e.g. the
100,000-conversation one), else generates a small one with the same 500-message threads.
Each run reads one 500-message conversation from the store, redacts every text (names,
e-mail, phone, card, IBAN: the slowest path), lays it out and writes the PDF with Qt's
writer; ``pdf_ms`` is that whole export, ``html_ms`` the same to HTML.

Prints one JSON object on its last line. Target (2-core machine): pdf p95 <= 3000 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 3000


def long_threads(store_path: Path, limit: int = 200_000) -> list[int]:
    """The ids of the conversations with at least 500 messages (read in pages)."""
    from app.ops import inbox
    from app.ops.types import Store

    store = Store.open(store_path, create=False)
    ids: list[int] = []
    try:
        for first in range(1, limit + 1, 5000):
            rows = inbox.conversation_rows(store, range(first, first + 5000))
            if not rows:
                break
            ids += [cid for cid, row in rows.items() if row.message_count >= 500]
    finally:
        store.close()
    return sorted(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a store made by generate_store.py")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from app.config.paths import translations_dir
    from app.i18n import I18n
    from app.ops import transcript
    from app.ops.types import Store
    from app.ui.report.transcript_pdf import Format, export
    from tests.perf.generate_store import generate

    app = QGuiApplication.instance() or QGuiApplication(["bench"])
    with tempfile.TemporaryDirectory() as folder:
        store_path = args.store
        if store_path is None:
            store_path = Path(folder) / "bench.sqlite3"
            generate(store_path, conversations=1000, messages=12_000)
        ids = long_threads(store_path)
        i18n = I18n("en", translations_dir())
        pdf_ms: list[float] = []
        html_ms: list[float] = []
        sizes: list[int] = []
        store = Store.open(store_path, create=False)
        try:
            for run in range(args.runs):
                cid = ids[run % len(ids)]
                formats: tuple[tuple[Format, list[float]], ...] = (
                    ("pdf", pdf_ms),
                    ("html", html_ms),
                )
                for fmt, times in formats:
                    started = time.perf_counter()
                    document = transcript.build(
                        store, cid, i18n, agent_language="en", redact=True, redact_orders=True
                    )
                    size = export(document, i18n, fmt, Path(folder) / f"t.{fmt}")
                    times.append((time.perf_counter() - started) * 1000)
                    if fmt == "pdf":
                        sizes.append(size)
                        assert len(document.messages) >= 500
        finally:
            store.close()
    del app
    p95 = sorted(pdf_ms)[max(0, round(0.95 * len(pdf_ms)) - 1)]
    print(
        json.dumps(
            {
                "bench": "transcript",
                "messages": 500,
                "runs": len(pdf_ms),
                "pdf_ms_median": round(statistics.median(pdf_ms)),
                "pdf_ms_p95": round(p95),
                "html_ms_median": round(statistics.median(html_ms)),
                "pdf_bytes": max(sizes),
                "target_ms": TARGET_MS,
                "ok": p95 <= TARGET_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
