"""Thread above, composer below: the agent always keeps the customer's last messages in view.

The composer takes the height its parts need (editor, preview, draft-check strip), but
never more than leaves the thread ``THREAD_MIN_HEIGHT``; beyond that its parts scroll. The
send row (``footer``) is pinned under that scroll area, never scrolled away: Send stays in
view at 1280x720 and at any scale. The agent can drag the divider to give the composer
less room; that limit is remembered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

THREAD_MIN_HEIGHT = 200  # px of thread kept while composing, whatever the composer holds
COMPOSER_MIN_HEIGHT = 90  # the editor's first lines stay reachable (the send row is extra)


class ThreadSplit(QSplitter):
    """A vertical splitter: ``thread`` on top, ``parts`` (notice, composer) below it in a
    scroll area, and ``footer`` (the send row) pinned under them."""

    def __init__(
        self,
        thread: QWidget,
        parts: list[QWidget],
        parent: QWidget | None = None,
        footer: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("threadSplit")
        self.setChildrenCollapsible(False)
        self.limit: int | None = None  # the composer height the agent chose by dragging
        self.bottom = QWidget()
        column = QVBoxLayout(self.bottom)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for part in parts:
            column.addWidget(part)
        self.composer_area = QScrollArea(self)
        self.composer_area.setObjectName("composerScroll")
        self.composer_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the composer
        self.composer_area.setFrameShape(QFrame.Shape.NoFrame)
        self.composer_area.setWidgetResizable(True)
        self.composer_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.composer_area.setWidget(self.bottom)
        self.composer_area.setMinimumHeight(COMPOSER_MIN_HEIGHT)
        # The splitter's lower pane: the scrolling parts, then the pinned send row.
        self.composer_pane = QWidget(self)
        self.composer_pane.setObjectName("composerPane")
        pane = QVBoxLayout(self.composer_pane)
        pane.setContentsMargins(0, 0, 0, 0)
        pane.setSpacing(0)
        pane.addWidget(self.composer_area, 1)
        self.footer: QFrame | None = None
        if footer is not None:
            self.footer = QFrame(self.composer_pane)
            self.footer.setObjectName("composerFooter")
            self.footer.setAutoFillBackground(True)  # coloured by the app's style sheet
            row = QVBoxLayout(self.footer)
            row.setContentsMargins(12, 4, 12, 8)
            row.addWidget(footer)
            pane.addWidget(self.footer)
        self.addWidget(thread)
        self.addWidget(self.composer_pane)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 0)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit)
        self.bottom.installEventFilter(self)
        self.splitterMoved.connect(self._dragged)

    def _footer_height(self) -> int:
        return self.footer.sizeHint().height() if self.footer is not None else 0

    def _wanted(self) -> int:
        """The height the lower pane wants: every part shown whole, and the send row."""
        return self.bottom.sizeHint().height() + self._footer_height()

    def composer_height(self) -> int:
        """The height the composer's parts want, within what the thread leaves them."""
        wanted = self._wanted()
        if self.limit is not None:
            wanted = min(wanted, self.limit)
        room = self.height() - self.handleWidth() - THREAD_MIN_HEIGHT
        return max(COMPOSER_MIN_HEIGHT + self._footer_height(), min(wanted, room))

    def fit(self) -> None:
        """Give the composer the height its parts need now (the thread keeps the rest)."""
        total = self.height() - self.handleWidth()
        if total <= 0:
            return
        composer = self.composer_height()
        self.setSizes([max(0, total - composer), composer])

    def set_limit(self, limit: int | None) -> None:
        """The agent's remembered composer height (None: as tall as its parts need)."""
        self.limit = limit if limit is None else max(COMPOSER_MIN_HEIGHT, limit)
        self.fit()

    def _dragged(self, _pos: int, _index: int) -> None:
        composer = self.sizes()[1]
        self.limit = None if composer >= self._wanted() else composer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.bottom and event.type() == QEvent.Type.LayoutRequest:
            self._fit_timer.start()  # a part appeared or grew (the preview, the findings)
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()
