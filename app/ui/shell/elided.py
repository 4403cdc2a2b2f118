"""A label for text from outside that can never size the window: each line is cut
with an ellipsis to the width the layout gives it, the whole text is in the tooltip
and can be copied from the context menu."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy, QWidget

from app.domain.display import display_text
from app.i18n import I18n

MAX_LINES = 12  # a card is a few lines; a field with a thousand newlines is not
HINT_CHARS = 20  # the most a label asks for (in average characters), however long its text
MIN_WIDTH = 24  # what it can shrink to (an ellipsis and a letter)
TOOLTIP_CHARS = 1_000


def tooltip_html(text: str) -> str:
    """Text for a tooltip, escaped: Qt shows tooltips that look like HTML as rich text."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


class ElidedLabel(QLabel):
    """Plain text only, one or more lines, each elided to the label's width.

    ``text()`` is what is shown before eliding (sanitised, bounded); ``full_text()`` is
    exactly what was set (copied by "Copy").
    """

    def __init__(
        self,
        i18n: I18n,
        parent: QWidget | None = None,
        name: str = "",
        *,
        max_chars: int = 200,
        hint_chars: int = HINT_CHARS,
        min_chars: int = 0,
    ) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self._max_chars = max_chars
        self._hint_chars = hint_chars
        self._min_chars = min_chars  # a short text (a name) is never squeezed below this
        self._full = ""
        self._lines: list[str] = []
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setOpenExternalLinks(False)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        if name:
            self.setObjectName(name)

    # ------------------------------------------------------------------ text
    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._full = text
        lines = text.split("\n")
        shown = [display_text(line, self._max_chars) for line in lines[:MAX_LINES]]
        if len(lines) > MAX_LINES:
            shown[-1] += "…"
        self._lines = shown
        tip = "\n".join(display_text(line, TOOLTIP_CHARS) for line in lines[: MAX_LINES * 4])
        self.setToolTip(tooltip_html(tip) if tip.strip() else "")
        self.setAccessibleName(self.text())
        self.updateGeometry()
        self._elide()

    def text(self) -> str:
        """What is shown (sanitised and bounded), before eliding to the width."""
        return "\n".join(self._lines)

    def full_text(self) -> str:
        """Exactly the text that was set."""
        return self._full

    def shown_text(self) -> str:
        """What is drawn right now (elided to the current width)."""
        return super().text()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        width = max(self.contentsRect().width(), MIN_WIDTH)
        shown = "\n".join(
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in self._lines
        )
        if shown != super().text():
            super().setText(shown)

    # ------------------------------------------------------------------ geometry
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(line) for line in self._lines), default=0)
        margins = self.contentsMargins()
        lines = max(len(self._lines), 1)
        return QSize(
            min(widest, metrics.averageCharWidth() * self._hint_chars)
            + margins.left()
            + margins.right()
            + 2,
            metrics.lineSpacing() * lines + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.sizeHint()
        floor = max(MIN_WIDTH, self.fontMetrics().averageCharWidth() * self._min_chars)
        return QSize(min(hint.width(), floor), hint.height())

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self.sizeHint().height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if self._lines:
            self._elide()  # a new font or style: the cut moves

    # ------------------------------------------------------------------ copy
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def context_menu(self) -> QMenu:
        """The label's menu: Copy puts the whole text, as received, on the clipboard."""
        menu = QMenu(self)
        copy = menu.addAction(self._i18n._("Copy"))
        copy.setEnabled(bool(self._full))
        copy.triggered.connect(self.copy_full_text)
        return menu

    def copy_full_text(self) -> None:
        QGuiApplication.clipboard().setText(self._full)
