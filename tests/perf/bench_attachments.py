"""Attachments benchmark: opening a conversation with 20 photos on the real application.

    QT_QPA_PLATFORM=offscreen python tests/perf/bench_attachments.py [--opens 12]

Builds a temporary workspace with one conversation carrying 20 real JPEG photos of 1 to 3
megapixels (and a plain conversation to switch from), starts the application on it with
its real threads, and opens the photo conversation ``--opens`` times, the thumbnail cache
emptied before each open (every open decodes all 20 photos again):

- ``shown_ms``: the conversation selected -> thread laid out and painted (grey tiles);
- ``thumbnails_ms``: selected -> every thumbnail decoded, in the document and painted.

Prints one JSON object on its last line. Target (2-core machine): shown p95 <= 150 ms;
the thumbnails fill in after, without blocking the window.
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
PHOTOS = 20
SIZES = [(1280, 960), (1600, 1200), (2000, 1500), (1920, 1080), (1200, 1600)]  # 1.2-3 MP


def build_store(path: Path) -> tuple[int, int, int]:
    """(photo conversation id, plain conversation id, bytes of photos) in a new store."""
    from app.domain.models import MessageKind
    from app.storage.store import Store
    from tests.helpers.attachments import attach, encode, photo
    from tests.helpers.builders import NOW, Conv, add_agents, add_conversation

    repo = Store.open(path)
    try:
        agents = add_agents(repo)
        texts = [(MessageKind.CUSTOMER, f"Photo {n + 1} of the damage.") for n in range(PHOTOS)]
        photos = add_conversation(repo, Conv(customer="Photo Sender", messages=texts), agents)
        plain = add_conversation(repo, Conv(customer="Plain Text"), agents)
        total = 0
        for index, message in enumerate(repo.messages.messages(photos)):
            width, height = SIZES[index % len(SIZES)]
            data = encode(photo(width, height, seed=index), "JPEG", 85)
            total += len(data)
            name = f"IMG_{4410 + index}.jpg"
            attach(repo, photos, message.id, name, data, "image/jpeg", (width, height), NOW)
        return photos, plain, total
    finally:
        repo.close()


def run(opens: int) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.config.paths import Paths
    from app.config.settings import Settings
    from app.ui.shell.application import CrossDeskApp, LaunchOptions
    from app.ui.shell.style import STYLE_SHEET
    from tests.perf.figures import summary
    from tests.perf.qt_wait import select_and_paint, wait_until

    found = QApplication.instance()
    qt_app = found if isinstance(found, QApplication) else QApplication([])
    qt_app.setStyleSheet(STYLE_SHEET)
    folder = Path(tempfile.mkdtemp(prefix="crossdesk-bench-attach-"))
    store = folder / "workspaces" / "photos.sqlite3"
    store.parent.mkdir(parents=True)
    photos, plain, total_bytes = build_store(store)
    crossdesk = CrossDeskApp(
        qt_app, Paths(folder / "data"), Settings(), LaunchOptions(workspace=store, ui_language="en")
    )
    crossdesk.start()
    wait_until(lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount())
    window = crossdesk.window
    assert window is not None
    window.resize(1366, 768)
    inbox, pane = window.inbox, window.conversation
    files = pane.thread_view.attachments
    assert files is not None
    wait_until(lambda: inbox.model.ids_complete and crossdesk.tasks.pending == 0)

    def select(conversation_id: int) -> float:
        if pane.conversation_id == conversation_id:  # already open (the first row)
            return time.perf_counter()
        return select_and_paint(window, conversation_id)

    shown_ms: list[float] = []
    thumbs_ms: list[float] = []
    for _ in range(opens):
        select(plain)
        wait_until(lambda: crossdesk.tasks.pending == 0)
        files.thumbnails.clear()  # cold: every photo is decoded again
        files.refused.clear()
        started = select(photos)
        shown_ms.append((time.perf_counter() - started) * 1000)
        assert len(files.shown) == PHOTOS
        wait_until(lambda: files.pending == 0, signal=files.filled)
        pane.thread_view.viewport().repaint()
        thumbs_ms.append((time.perf_counter() - started) * 1000)
        assert len(files.thumbnails) == PHOTOS and not files.refused
    crossdesk.shutdown()
    return {
        "photos": PHOTOS,
        "photo_megapixels": sorted({round(w * h / 1e6, 1) for w, h in SIZES}),
        "photo_bytes_total": total_bytes,
        "shown_ms": summary(shown_ms, middle="median"),
        "thumbnails_ms": summary(thumbs_ms, middle="median"),
        "targets": {"shown_p95_ms": 150},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--opens", type=int, default=12)
    args = parser.parse_args()
    print(json.dumps(run(max(1, args.opens)), ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
