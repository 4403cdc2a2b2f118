"""Signing in to a team's server: address, credentials (or an API token), optional CA."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.ops.context import AppContext
from app.sync.api import ServerAddressError, ServerProblemError
from app.sync.session import SignedIn, WorkspaceKind, WorkspaceRef, check_server_url, sign_in
from app.ui.shell.labels import localize


class SignInDialog(QDialog):
    """The form; the sign-in itself is :func:`app.sync.session.sign_in`.

    Signals:
        signed_in(object): a SignedIn value once the server accepted the credentials.
    """

    signed_in = Signal(object)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, again: WorkspaceRef | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("Sign in to your team's server"))
        self.url = QLineEdit(self)
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://crossdesk.example.com")
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_token = QCheckBox(_("Use an API token instead"), self)
        self.token = QLineEdit(self)
        self.token.setObjectName("apiToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setEnabled(False)
        self.use_token.toggled.connect(self._token_toggled)
        self.ca = QLineEdit(self)
        self.ca.setPlaceholderText(_("Optional: your organisation's CA certificate (.pem)"))
        self.ca.setAccessibleName(_("CA certificate"))  # its label sits beside a row, not it
        browse = QPushButton(_("Choose…"), self)
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(browse)
        note = QLabel(
            _(
                "The password is sent only to this server. CrossDesk keeps the sign-in in "
                "the system keychain, never in a file. Certificates are always checked."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        self.status = QLabel(self)
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Server address"), self.url)
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(self.use_token)
        form.addRow(_("API token"), self.token)
        form.addRow(_("CA certificate"), ca_row)
        form.addRow(note)
        form.addRow(self.status)
        form.addRow(self.buttons)
        if again is not None and again.kind is WorkspaceKind.SERVER:  # same server and agent
            self.url.setText(again.server_url)
            self.username.setText(again.agent_id)
            self.password.setFocus()

    def _token_toggled(self, checked: bool) -> None:
        self.token.setEnabled(checked)
        self.username.setEnabled(not checked)
        self.password.setEnabled(not checked)

    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self._ctx.i18n._("CA certificate"),
            str(Path.home()),
            self._ctx.i18n._("Certificates (*.pem *.crt)"),
        )
        if path:
            self.ca.setText(path)

    def submit(self) -> None:
        _ = self._ctx.i18n._
        try:
            url = check_server_url(self.url.text())
        except ServerAddressError as error:
            self.status.setText(localize(self._ctx.i18n, error))
            return
        username, password = self.username.text().strip(), self.password.text()
        token = self.token.text().strip() if self.use_token.isChecked() else ""
        if not token and not (username and password):
            self.status.setText(_("Enter your user name and password, or an API token."))
            return
        ca = self.ca.text().strip() or None
        if ca and not Path(ca).is_file():
            self.status.setText(_("The CA certificate file does not exist: {path}").format(path=ca))
            return
        self.status.setText(_("Signing in…"))
        self.buttons.setEnabled(False)
        self._ctx.tasks.run(
            lambda: sign_in(url, username, password, token, ca),
            self._done,
            self._failed,
            owner=self,
        )

    def _done(self, result: SignedIn) -> None:
        self.buttons.setEnabled(True)
        self.signed_in.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ServerProblemError) and error.code == "invalid_credentials":
            self.status.setText(self._ctx.i18n._("The user name or password is not right."))
        else:
            self.status.setText(localize(self._ctx.i18n, error))
