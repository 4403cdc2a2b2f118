"""The workspace passphrase dialog: where no secure keychain exists, the agent's passphrase
is the key (SQLCipher derives the encryption key from it with PBKDF2, 256,000 rounds).

New workspace (or a plain one about to be encrypted): typed twice, at least
:data:`~app.ops.workspace_keys.MIN_PASSPHRASE_CHARS` characters, with a strength hint.
Existing one: typed once; a wrong one comes back with the store's message. Cancel leaves
the file untouched (the application then quits with exit code 2).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, I18n
from app.ops.types import WorkspaceKey
from app.ops.workspace_keys import (
    MAX_PASSPHRASE_CHARS,
    MIN_PASSPHRASE_CHARS,
    passphrase_strength,
)

STRENGTHS = (
    N_("Strength: weak. Longer is better: a few unrelated words make a strong passphrase."),
    N_("Strength: fair. A few more words would make it stronger."),
    N_("Strength: good."),
    N_("Strength: strong."),
)


class PassphraseDialog(QDialog):
    """Asks for the workspace's passphrase; :attr:`key` is set when OK is accepted."""

    def __init__(
        self,
        i18n: I18n,
        path: Path,
        *,
        new: bool,
        problem: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        _ = i18n._
        self._i18n = i18n
        self.new = new
        self.key: WorkspaceKey | None = None
        self.setObjectName("passphraseDialog")
        # Shown before the main window: closing it must not end the app (Cancel quits
        # explicitly; OK goes on to open the workspace).
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setWindowTitle(_("Workspace passphrase"))
        intro = QLabel(self)
        intro.setObjectName("passphraseIntro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        if new:
            intro.setText(
                _(
                    "{path} will be encrypted on this computer. No secure system keychain is "
                    "available to keep its key, so choose a passphrase (at least {count} "
                    "characters). Without it the workspace cannot be opened: nobody can "
                    "recover it for you."
                ).format(path=path, count=MIN_PASSPHRASE_CHARS)
            )
        else:
            intro.setText(
                _("{path} is encrypted. Type its passphrase to open it.").format(path=path)
            )
        self.passphrase = self._field("passphrase", _("Passphrase"))
        self.repeat = self._field("passphraseRepeat", _("Passphrase again"))
        self.strength = QLabel(self)
        self.strength.setObjectName("passphraseStrength")
        self.strength.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("passphraseProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(problem))
        self.problem.setText(problem or "")
        form = QFormLayout()
        form.addRow(_("Passphrase"), self.passphrase)
        if new:
            form.addRow(_("Passphrase again"), self.repeat)
            form.addRow(self.strength)
            self.passphrase.textChanged.connect(self._hint)
            self._hint("")
        else:
            self.repeat.hide()
            self.strength.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.passphrase.setFocus()

    def _field(self, name: str, accessible: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(MAX_PASSPHRASE_CHARS)
        field.setAccessibleName(accessible)
        return field

    def _hint(self, text: str) -> None:
        _ = self._i18n._
        if len(text) < MIN_PASSPHRASE_CHARS:
            self.strength.setText(
                _("At least {count} characters ({typed} so far).").format(
                    count=MIN_PASSPHRASE_CHARS, typed=len(text)
                )
            )
            return
        self.strength.setText(_(STRENGTHS[passphrase_strength(text).score]))

    def refusal(self) -> str | None:
        """Why OK cannot be accepted yet (None: it can)."""
        _ = self._i18n._
        text = self.passphrase.text()
        if not text:
            return _("Type the passphrase.")
        if "\0" in text:
            return _("The passphrase cannot contain a NUL character.")
        if not self.new:
            return None
        if not passphrase_strength(text).acceptable:
            return _("The passphrase needs at least {count} characters.").format(
                count=MIN_PASSPHRASE_CHARS
            )
        if self.repeat.text() != text:
            return _("The two passphrases differ. Type the same passphrase twice.")
        return None

    def accept(self) -> None:
        refusal = self.refusal()
        if refusal is None:
            try:
                self.key = WorkspaceKey.from_passphrase(self.passphrase.text())
            except ValueError as exc:
                refusal = str(exc)
        if refusal is not None:
            self.problem.setText(refusal)
            self.problem.show()
            return
        self.passphrase.clear()
        self.repeat.clear()
        super().accept()
