"""What the shell does for the session: sign in, sign out, the sync engine.

The use cases are Qt-free (:mod:`app.sync.session`); this mixin of
:class:`app.ui.shell.application.CrossDeskApp` opens the dialog, runs them on the
runner and switches the workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.config.settings import Settings
from app.ops.context import AppContext
from app.sync import session
from app.sync.session import SignedIn, WorkspaceKind, WorkspaceRef
from app.ui.shell.errors import ErrorReporter
from app.ui.shell.startup import PretendRun, sign_in_refused_text
from app.ui.shell.tasks import QtTaskRunner

if TYPE_CHECKING:  # httpx, tenacity and pydantic load only for a server workspace
    from app.sync.api import Syncer
    from app.ui.shell.main_window import MainWindow
    from app.ui.sync.sign_in_dialog import SignInDialog


class SessionActions:
    """Sign-in and sign-out for the application object (which provides the attributes)."""

    choice: WorkspaceRef
    tasks: QtTaskRunner
    ctx: AppContext
    pretend: PretendRun
    reporter: ErrorReporter
    window: MainWindow | None

    def _switch(self, settings: Settings) -> None:
        raise NotImplementedError

    def _make_engine(self) -> Syncer:
        """Built on the compute lane (reading the keychain may take a moment)."""
        return session.make_engine(self.choice, self.tasks.store_call, self.ctx.clock)

    def open_sign_in(self) -> SignInDialog | None:
        from app.ui.sync.sign_in_dialog import SignInDialog

        if self.pretend.active:  # signing in would sync and switch to a real workspace
            self.reporter.show(*sign_in_refused_text(self.ctx.i18n))
            return None
        dialog = SignInDialog(self.ctx, self.window, again=self.choice)
        dialog.signed_in.connect(self.signed_in)
        dialog.open()
        return dialog

    def signed_in(self, result: SignedIn) -> None:
        """Switch to the server's workspace (its own local store), then sync."""
        self._switch(result.settings(self.ctx.settings))

    def sign_out(self) -> None:
        """Revoke the session and forget the tokens (a must-run task: the switch shuts this
        runner down at once, which drops ordinary queued work), go back to the demo. The
        server workspace's local store stays on disk for the next sign-in."""
        if self.pretend.active:
            self.reporter.show(*sign_in_refused_text(self.ctx.i18n))
            return
        if self.choice.kind is not WorkspaceKind.SERVER:
            return
        choice = self.choice
        self.tasks.run(lambda: session.sign_out(choice), owner=self, must_run=True)
        self._switch(self.ctx.settings.with_(workspace=None))
