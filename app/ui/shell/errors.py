"""Turning failures into dialogs a person can act on; tracebacks go to the log only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.config.settings import SettingsError
from app.domain.datafiles import DataFileError
from app.i18n import I18n
from app.ops.types import StoreError, StoreProblem, classify
from app.ops.workspace_keys import NeedsPassphraseError
from app.ui.shell.labels import localize

log = logging.getLogger(__name__)


def store_error_text(i18n: I18n, error: StoreError) -> tuple[str, str]:
    """Title and message for a workspace-file problem: what happened, which file, what to do."""
    _ = i18n._
    path = str(error.path)
    messages = {
        StoreProblem.CORRUPT: (
            _("The workspace file is damaged"),
            _(
                "CrossDesk cannot read {path}: it is damaged or is not a CrossDesk workspace.\n\n"
                "Nothing has been changed or overwritten. Quit CrossDesk, move the file somewhere "
                "safe (keep it: it may be recoverable), and start CrossDesk again to create a new "
                "workspace. Conversations synced with your team's server will download again."
            ),
        ),
        StoreProblem.READ_ONLY: (
            _("The workspace cannot be saved"),
            _(
                "CrossDesk cannot write to {path}: the file or its folder is read-only.\n\n"
                "Nothing you typed has been lost: it stays on screen. Give your user write "
                "permission on the folder, or start CrossDesk with --data-dir pointing to a "
                "folder you can write to."
            ),
        ),
        StoreProblem.DISK_FULL: (
            _("The disk is full"),
            _(
                "CrossDesk could not save to {path} because the disk is full.\n\n"
                "Nothing has been overwritten and your text is still on screen. Everything "
                "saved before is kept in the workspace, including your drafts and the replies "
                "waiting to be sent.\n\n"
                "Free some space on that disk (empty the trash, remove large files you no "
                "longer need), then try again."
            ),
        ),
        StoreProblem.LOCKED: (
            _("The workspace is in use"),
            _(
                "{path} is locked by another program (perhaps another CrossDesk window).\n\n"
                "Close the other program and try again."
            ),
        ),
        StoreProblem.UNREADABLE: (
            _("The workspace cannot be opened"),
            _(
                "CrossDesk cannot open {path}.\n\nCheck that the folder exists and that your user "
                "may read and write it, or start CrossDesk with --data-dir pointing elsewhere."
            ),
        ),
        StoreProblem.NEWER_SCHEMA: (
            _("The workspace is from a newer CrossDesk"),
            _(
                "{path} was written by a newer version of CrossDesk.\n\n"
                "Update CrossDesk to open it. The file has not been changed."
            ),
        ),
        StoreProblem.WRONG_KEY: (
            _("The workspace is locked"),
            _(
                "{path} is encrypted and this key or passphrase does not open it.\n\n"
                "Check the passphrase (it is case-sensitive) and try again. The file has not "
                "been changed."
            ),
        ),
        StoreProblem.ENCRYPTED: (
            _("The workspace is encrypted"),
            _(
                "{path} is encrypted (or is not a CrossDesk workspace) and needs its key.\n\n"
                "Open it from the computer account whose keychain holds its key, or with its "
                "passphrase (scripts: set CROSSDESK_PASSPHRASE). The file has not been changed."
            ),
        ),
    }
    title, text = messages[error.problem]
    return title, text.format(path=path) + "\n\n" + _("Details: {detail}").format(
        detail=error.detail
    )


class ErrorReporter:
    """Shows problems as dialogs (never a traceback) and logs the technical details.

    Attributes:
        shown: (title, text) of every dialog shown, newest last (tests read it).
    """

    def __init__(self, i18n: I18n, log_file: Path, parent: Callable[[], QWidget | None]) -> None:
        self._i18n = i18n
        self._log_file = log_file
        self._parent = parent
        self.shown: list[tuple[str, str]] = []
        self.on_dismissed: Callable[[], None] | None = None
        self._open_boxes: list[QMessageBox] = []  # a parentless box needs a reference to live

    def set_i18n(self, i18n: I18n) -> None:
        """The UI language changed: later messages are in the new one."""
        self._i18n = i18n

    def report(self, error: BaseException, workspace: Path | None = None) -> None:
        _ = self._i18n._
        known = classify(error, workspace) if workspace is not None else None
        if isinstance(error, StoreError) or known is not None:
            title, text = store_error_text(self._i18n, known or error)  # type: ignore[arg-type]
            log.warning("workspace problem: %s", error)
        elif isinstance(error, NeedsPassphraseError):
            title = _("The workspace needs its passphrase")
            text = _(
                "{reason}\n\nStart CrossDesk without --screenshot to type the passphrase, or "
                "set CROSSDESK_PASSPHRASE for a script."
            ).format(reason=localize(self._i18n, error))
            log.warning("workspace key: %s", error)
        elif isinstance(error, DataFileError):
            title = _("A data file has an error")
            text = _("{where}: {problem}\n\nCorrect the file and start CrossDesk again.").format(
                where=f"{error.path}:{error.line}" if error.line else str(error.path),
                problem=error.problem,
            )
            log.warning("data file problem: %s", error)
        elif isinstance(error, SettingsError):
            title = _("Settings could not be saved")
            text = _("{detail}\n\nYour change applies until CrossDesk closes.").format(
                detail=str(error)
            )
            log.warning("settings problem: %s", error)
        else:
            log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
            title = _("Something went wrong")
            text = _(
                "CrossDesk hit an unexpected problem. Your saved work is safe.\n\n"
                "The technical details were written to {log}; please send that file to "
                "your administrator."
            ).format(log=self._log_file)
        self.show(title, text)

    def show(self, title: str, text: str) -> None:
        self.shown.append((title, text))
        box = QMessageBox(
            QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self._parent()
        )
        box.setObjectName("errorDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self._open_boxes.append(box)
        box.finished.connect(lambda _result: self._dismissed(box))
        box.open()

    def _dismissed(self, box: QMessageBox) -> None:
        if box in self._open_boxes:
            self._open_boxes.remove(box)
        box.deleteLater()
        if self.on_dismissed is not None:
            self.on_dismissed()
