"""Conversation → Export transcript…: PDF or HTML, optionally redacted for sharing.

The transcript is read on the store lane and laid out on the UI thread (Qt's PDF writer);
a failure is said in the dialog, which stays open with the choices made, so the lead can
pick another folder and try again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ops import transcript
from app.ops.context import AppContext
from app.ops.transcript import Transcript
from app.ops.types import Store
from app.ui.report.transcript_pdf import FORMATS, Format, export


class ExportDialog(QDialog):
    """Chooses format, redaction and file; writes the transcript."""

    exported = Signal(Path)

    def __init__(self, ctx: AppContext, conversation_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._ctx, self._conversation_id = ctx, conversation_id
        _ = ctx.i18n._
        self.setWindowTitle(_("Export transcript"))
        self.format_box = QComboBox()
        self.format_box.addItem(_("PDF document"), "pdf")
        self.format_box.addItem(_("Web page (HTML)"), "html")
        self.redact_box = QCheckBox(
            _("Redact for sharing outside the team (names, e-mail, phone, card, IBAN)")
        )
        self.orders_box = QCheckBox(_("Also redact order numbers"))
        self.orders_box.setEnabled(False)
        self.redact_box.toggled.connect(self.orders_box.setEnabled)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(_("Where to save the file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(_("Format"), self.format_box)
        form.addRow("", self.redact_box)
        form.addRow("", self.orders_box)
        form.addRow(_("File"), row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            _("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._match_suffix)

    @property
    def fmt(self) -> Format:
        chosen = self.format_box.currentData()
        return chosen if chosen in FORMATS else "pdf"

    def _match_suffix(self) -> None:
        """Switching format renames a typed ``.pdf`` to ``.html`` and back."""
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(f".{self.fmt}")))

    def _browse(self) -> None:
        _ = self._ctx.i18n._
        suggested = self.path_edit.text() or f"transcript.{self.fmt}"
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Export transcript"), suggested)
        if chosen:
            self.path_edit.setText(chosen)

    def start_export(self) -> None:
        """Read the transcript on the store lane, then write it here."""
        _ = self._ctx.i18n._
        text = self.path_edit.text().strip()
        if not text:
            self.status.setText(_("Choose where to save the file."))
            return
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(f".{self.fmt}")
        if path.is_dir() or not path.parent.is_dir():
            self.status.setText(
                _("Cannot save to {path}: choose a file in an existing folder.").format(path=path)
            )
            return
        self.export_button.setEnabled(False)
        self.status.setText(_("Exporting…"))
        ctx, cid = self._ctx, self._conversation_id
        redact, orders = self.redact_box.isChecked(), self.orders_box.isChecked()

        def work(store: Store) -> Transcript:
            return transcript.build(
                store,
                cid,
                ctx.i18n,
                agent_language=ctx.agent_language,
                redact=redact,
                redact_orders=orders,
                translation=ctx.translation,
            )

        self._ctx.tasks.run_store(
            work, lambda done: self._write(done, path), self._failed, owner=self
        )

    def _write(self, document: Transcript, path: Path) -> None:
        _ = self._ctx.i18n._
        # Qt lays the PDF out on this thread (about 2 s for 500 messages): say it is busy.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export(document, self._ctx.i18n, self.fmt, path)
        except OSError as exc:
            self._failed(exc, path)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.export_button.setEnabled(True)
        self.status.setText(_("Saved to {path}").format(path=path))
        self.exported.emit(path)

    def _failed(self, error: BaseException, path: Path | None = None) -> None:
        _ = self._ctx.i18n._
        self.export_button.setEnabled(True)
        if isinstance(error, OSError) and path is not None:
            reason = error.strerror or str(error)
            self.status.setText(
                _("Cannot save to {path}: {reason}").format(path=path, reason=reason)
            )
        elif isinstance(error, LookupError):
            self.status.setText(_("This conversation is no longer in the workspace."))
        else:
            self.status.setText(
                _("The transcript could not be exported: {reason}").format(reason=error)
            )


def open_export_dialog(
    ctx: AppContext, parent: QWidget, conversation_id: int | None
) -> ExportDialog | None:
    """The dialog for the open conversation (None when no conversation is open)."""
    if conversation_id is None:
        return None
    dialog = ExportDialog(ctx, conversation_id, parent)
    dialog.open()
    return dialog
