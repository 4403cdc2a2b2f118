"""Wiring the customer features into the main window in one call (the window stays
short): the rail's fold and unfold, the Customer section's clicks and changes, and
merging conversations (the inbox's two-selected hook, the history's menu)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ui.customer.merging import ConversationMerger

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

NOTICE_MS = 8000


def install_customer(window: MainWindow) -> ConversationMerger:
    side = window.side_panel
    side.expand_requested.connect(lambda: window.show_side_panel(True))
    side.collapse_requested.connect(lambda: window.show_side_panel(False))
    panel = side.customer
    panel.conversation_requested.connect(window.open_conversation)
    panel.changed.connect(lambda changes: window.apply_changes(changes, panel))
    window.changes_applied.connect(panel.apply_changes)
    merger = ConversationMerger(window._ctx, window, local_only=window.sync is None)
    panel.merger = merger
    window.inbox.bulk.pair_actions.append(merger.pair_action)
    merger.changed.connect(lambda changes: window.apply_changes(changes, merger))
    merger.undo_offered.connect(window.conversation.undo_bar.offer_work)
    merger.merged.connect(window.open_conversation)
    merger.failed.connect(lambda text: window.statusBar().showMessage(text, NOTICE_MS))
    return merger
