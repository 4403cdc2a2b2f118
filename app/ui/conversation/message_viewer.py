"""Reading a very long message whole, without freezing the window.

Qt lays out one paragraph as one unit, and a 1 MB paragraph takes most of a
second; so the viewer shows the text in pieces of at most CHUNK characters
(broken at a space where possible). "Copy whole message" copies the original,
byte for byte.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_body
from app.i18n import I18n

CHUNK = 4000


def display_lines(text: str, chunk: int = CHUNK) -> str:
    """The text with over-long lines broken into pieces for display only."""
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > chunk:
            cut = line.rfind(" ", chunk // 2, chunk)
            cut = cut + 1 if cut > 0 else chunk
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


class MessageViewer(QDialog):
    """A read-only window with one whole message as plain text."""

    def __init__(self, i18n: I18n, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self._text = text
        self.setWindowTitle(_("Whole message"))
        self.resize(760, 560)
        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setPlainText(display_lines(display_body(text)))  # overrides neutralised
        info = QLabel(
            _("Long lines are wrapped for reading; copying takes the original text."), self
        )
        info.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = QPushButton(_("Copy whole message"), self)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._text))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(info)
        layout.addWidget(buttons)
