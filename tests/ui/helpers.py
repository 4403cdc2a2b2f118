"""Reading what the user sees in the main window."""

from __future__ import annotations

from app.domain.models import ConversationRow
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.main_window import MainWindow


def visible_rows(window: MainWindow) -> list[ConversationRow]:
    model = window.inbox.model
    rows = [model.data(model.index(i), ROW_ROLE) for i in range(model.rowCount())]
    assert all(r is not None for r in rows), "some rows are still loading"
    return rows


def visible_names(window: MainWindow) -> list[str]:
    return [row.customer_name for row in visible_rows(window)]


def choose(combo: object, data: object) -> None:
    """Pick the entry of a filter menu whose data is ``data`` (as a click would)."""
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def thread_text(window: MainWindow) -> str:
    """The thread as a reader sees it (bidi isolate marks are invisible)."""
    return window.conversation.thread_view.toPlainText().replace("\u2068", "").replace("\u2069", "")
