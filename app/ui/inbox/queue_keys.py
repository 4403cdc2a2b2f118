"""Switching queues from the keyboard: Alt+1 ... Alt+8 choose the queues in the order the
list shows them (Mine, Unassigned, Breached, Due within the hour, Needs translation, its
"for me" row, Mentions, All), as Front and Gmail number their folders.

Alt with a digit is free everywhere in the window (the composer types nothing with it and
no menu uses a digit); the keys are window-wide, so the agent can switch queues from the
middle of a reply without losing the draft or the open conversation. On macOS Option with
a digit types characters (Option+3 is "£" on a US keyboard), so there it is Command with
a digit, as in Mail. They are listed in Help > Keyboard shortcuts (``LISTED_IN_HELP``).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from app.i18n import I18n
from app.ui.inbox.queues import QUEUES, SUB_QUEUES, QueueList
from app.ui.settings.shortcuts_dialog import LISTED_IN_HELP

MODIFIER = "Ctrl" if sys.platform == "darwin" else "Alt"  # Qt's "Ctrl" is Command on macOS
QUEUE_KEYS = tuple(f"{MODIFIER}+{number}" for number in range(1, len(QUEUES) + 1))


def queue_label(i18n: I18n, key: str) -> str:
    """A queue's name on its own ("Needs translation · For me" for a sub-row)."""
    _ = i18n._
    queue = next(q for q in QUEUES if q.key == key)
    parent = SUB_QUEUES.get(key)
    if parent is None:
        return _(queue.label)
    return f"{queue_label(i18n, parent)} · {_(queue.label)}"


def install_queue_keys(queues: QueueList, i18n: I18n) -> list[QAction]:
    """One window-wide action per queue on ``queues`` (choosing it as a click would)."""
    _ = i18n._
    actions = []
    for queue, keys in zip(QUEUES, QUEUE_KEYS, strict=True):
        action = QAction(
            _("Go to queue: {queue}").format(queue=queue_label(i18n, queue.key)), queues
        )
        action.setObjectName(f"queueKey_{queue.key}")
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False, key=queue.key: queues.choose(key))
        action.setProperty(LISTED_IN_HELP, True)
        queues.addAction(action)
        actions.append(action)
    return actions
