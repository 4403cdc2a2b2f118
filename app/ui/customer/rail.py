"""The side panel folded to an icon rail: Customer, Etiquette, Knowledge one click away.

The thread gets the width; the rail keeps the sections findable (Zendesk's and Front's
context panels fold the same way) instead of the panel vanishing.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QSplitter, QToolButton, QVBoxLayout, QWidget

from app.ui.shell.icons import icon

RAIL_WIDTH = 40


class IconRail(QFrame):
    """A narrow column of section buttons.

    Signals:
        section_requested(int): the index of the section to open (the panel expands).
    """

    section_requested = Signal(int)

    def __init__(self, sections: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        """``sections``: (icon name, accessible name) for each section, in tab order."""
        super().__init__(parent)
        self.setObjectName("sideRail")
        self.setFixedWidth(RAIL_WIDTH)
        self.buttons: list[QToolButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 10, 4, 10)
        layout.setSpacing(6)
        for index, (name, label) in enumerate(sections):
            button = QToolButton(self)
            button.setObjectName(f"rail-{name}")
            button.setIcon(icon(name))
            button.setIconSize(QSize(20, 20))
            button.setAutoRaise(True)
            button.setToolTip(label)
            button.setAccessibleName(label)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _c=False, i=index: self.section_requested.emit(i))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons.append(button)
        layout.addStretch(1)


class Foldable(Protocol):
    """The side panel, as the fold functions need it."""

    @property
    def collapsed(self) -> bool: ...

    def set_collapsed(self, collapsed: bool) -> None: ...

    def minimumSizeHint(self) -> QSize: ...  # noqa: N802 - Qt's name


def fold(splitter: QSplitter, panel: Foldable, shown: bool, full_width: int = 300) -> None:
    """Show the last pane of ``splitter`` whole, or fold it to its rail; the pane before
    it takes (or gives) the width."""
    sizes = splitter.sizes()
    panel.set_collapsed(not shown)
    room = sizes[-2] + sizes[-1]
    width = max(panel.minimumSizeHint().width(), full_width) if shown else RAIL_WIDTH
    splitter.setSizes([*sizes[:-2], max(0, room - width), width])


def fold_if_closed(splitter: QSplitter, panel: Foldable) -> None:
    """A panel dragged shut (or restored shut from an older layout) becomes the rail."""
    sizes = splitter.sizes()
    if sizes[-1] == 0 and splitter.width() > 0:
        panel.set_collapsed(True)
        splitter.setSizes([*sizes[:-2], max(0, sizes[-2] - RAIL_WIDTH), RAIL_WIDTH])
