"""The headless modes: ``--screenshot`` (write the window once it is fully drawn) and
``--exit-after-first-paint`` (print ``first-paint`` once the inbox has painted rows;
the start-up benchmark waits for it). Nothing here runs in a normal session.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from app.ui.culture.draft_check import CHECK_DEBOUNCE_MS
from app.ui.translation.reply_translation import PREVIEW_DEBOUNCE_MS

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

SCREENSHOT_TIMEOUT_MS = 30_000
# After --draft is typed: longer than the preview's and the draft check's debounce, so
# their work is queued (and then awaited as pending tasks) before the picture is taken.
DRAFT_SETTLE_S = (max(PREVIEW_DEBOUNCE_MS, CHECK_DEBOUNCE_MS) + 200) / 1000
# After --search: the results are listed, painted, and the painted rows' matches fetched.
SEARCH_SETTLE_S = 1.0


class PaintWatcher(QObject):
    """Calls back once, just after the watched widget has painted."""

    def __init__(self, target: QObject, callback: Callable[[], None]) -> None:
        super().__init__(target)
        self._callback = callback
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def arm_screenshot(
    target: Path,
    ready: Callable[[], bool],
    window: Callable[[], QMainWindow | None],
    done: Callable[[int], None],
    timeout_ms: int,
) -> None:
    """``--screenshot``: once ``ready()``, write the window to ``target`` and call ``done``
    with the exit code (3: not ready within ``timeout_ms``, or not written)."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        waited += 50
        shown = window()
        if shown is not None and ready():
            done(save_screenshot(shown, target))
        elif waited > timeout_ms:
            print(
                f"crossdesk: the window was not ready after {waited // 1000} s; "
                "no screenshot written",
                file=sys.stderr,
            )
            done(3)
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def screenshot_room(
    target: Path | None,
    ready: Callable[[], bool],
    shown: Sequence[QMainWindow],
    done: Callable[[int], None],
) -> None:
    """``--screenshot`` (if asked) of a room opened from the main window: the first window
    in ``shown`` (the room adds it when it opens), written once ``ready()``."""
    if target is not None:
        arm_screenshot(
            target, ready, lambda: shown[0] if shown else None, done, SCREENSHOT_TIMEOUT_MS
        )


def save_screenshot(window: QMainWindow, target: Path) -> int:
    """``--screenshot``: write the window to ``target``; the exit code (3: not written)."""
    window.repaint()
    QApplication.processEvents()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(target))
    except OSError:
        saved = False
    if not saved:
        print(f"crossdesk: could not write the screenshot to {target}", file=sys.stderr)
        return 3
    print(f"screenshot written to {target}")
    return 0


def report_first_paint(window: MainWindow, quit_app: Callable[[], None]) -> None:
    """Once the inbox has rows: print ``first-paint`` just after they are painted, quit."""

    def loaded() -> None:
        if not window.inbox.model.rowCount():
            return
        window.inbox.page_loaded.disconnect(loaded)

        def painted() -> None:
            print("first-paint", flush=True)
            quit_app()

        PaintWatcher(window.inbox.list.viewport(), painted)
        window.inbox.list.viewport().update()

    window.inbox.page_loaded.connect(loaded)


def screenshot_when_ready(
    target: Path,
    window: Callable[[], MainWindow | None],
    settled: Callable[[], bool],
    wanted: str | None,
    done: Callable[[int], None],
    draft: str | None = None,
    search: str | None = None,
) -> None:
    """``--screenshot``: once the inbox, the conversation (``wanted``, if named) and the
    side panel are shown and ``settled()`` (no task pending, etiquette data loaded);
    ``draft``: typed into the composer first, then its preview and draft check awaited;
    ``search``: typed into the inbox's search box, then its results and highlights awaited."""
    typed_at: list[float] = []
    searched_at: list[float] = []

    def ready() -> bool:
        shown = window()
        detail = shown.conversation.detail if shown is not None else None
        shown_ok = bool(
            shown is not None
            and shown.inbox.model.rowCount()
            and detail is not None
            and (wanted is None or detail.row.uid == wanted)
            and shown.side_panel.culture is not None
            and settled()
        )
        if not shown_ok or shown is None:
            return False
        if search is not None:
            if not searched_at:
                shown.inbox.filters.search.setText(search)
                shown.inbox.filters.search.returnPressed.emit()
                searched_at.append(time.monotonic())
                return False
            if time.monotonic() - searched_at[0] < SEARCH_SETTLE_S:
                return False
        if draft is None:
            return True
        if not typed_at:
            shown.conversation.composer.insert_text(draft)
            typed_at.append(time.monotonic())
            return False
        return time.monotonic() - typed_at[0] > DRAFT_SETTLE_S

    arm_screenshot(target, ready, window, done, SCREENSHOT_TIMEOUT_MS)


def arm(
    screenshot: Path | None,
    first_paint: bool,
    window: Callable[[], MainWindow | None],
    settled: Callable[[], bool],
    wanted: str | None,
    quit_with: Callable[[int], None],
    size: tuple[int, int] | None = None,
    draft: str | None = None,
    search: str | None = None,
) -> None:
    """Whichever headless mode the command line asked for (none: nothing happens);
    ``size``: the window's size (``--size``), ``draft``: text typed for the screenshot."""
    shown = window()
    if size is not None and shown is not None:
        shown.resize(*size)
    if screenshot is not None:
        screenshot_when_ready(screenshot, window, settled, wanted, quit_with, draft, search)
    if first_paint and shown is not None:
        report_first_paint(shown, lambda: quit_with(0))
