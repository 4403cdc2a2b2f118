"""Which key opens the chosen workspace, asked for on the UI thread before the store lane
opens it.

- The demo holds sample data only: it stays plain (no key).
- A server workspace or a named ``--workspace FILE``: ``CROSSDESK_PASSPHRASE`` when set
  (scripts, headless runs); else the key in the OS keychain, read (or made and saved) on
  the store lane, where a slow keychain may block; else the agent's passphrase, asked here
  in :class:`~app.ui.shell.passphrase.PassphraseDialog` before anything is opened.
- The store lane may still find that the keychain has no key for an encrypted file, or
  that a key does not open it: :meth:`KeyGate.retry` asks for the passphrase and the
  application starts the store lane again. Cancel quits with nothing touched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.i18n import I18n
from app.ops import workspace_keys
from app.ops.types import StoreError, StoreProblem, WorkspaceKey
from app.ops.workspace_keys import NeedsPassphraseError
from app.sync.session import WorkspaceKind, WorkspaceRef
from app.ui.shell.errors import store_error_text
from app.ui.shell.labels import localize
from app.ui.shell.passphrase import PassphraseDialog


class KeyGate:
    """The key of one workspace choice (replaced when the workspace switches).

    Attributes:
        key: a passphrase key (typed, or from the environment); None: the keychain's.
        opened_with: the key the store lane opened the workspace with (None: the demo).
        dialog: the passphrase dialog while it is open (tests fill it in).
    """

    def __init__(
        self,
        choice: WorkspaceRef,
        i18n: Callable[[], I18n],
        parent: Callable[[], QWidget | None],
        headless: bool,
    ) -> None:
        self.choice = choice
        self._i18n, self._parent, self._headless = i18n, parent, headless
        self.key: WorkspaceKey | None = None
        self.opened_with: WorkspaceKey | None = None
        self.dialog: PassphraseDialog | None = None
        self._lock = threading.Lock()

    @property
    def encrypted(self) -> bool:
        """Every workspace but the demo is encrypted at rest."""
        return self.choice.kind is not WorkspaceKind.DEMO

    # ------------------------------------------------------------------ UI thread
    def prepare(self, go: Callable[[], None], cancelled: Callable[[], None]) -> None:
        """Before the store lane opens: ``go()`` now, or once a passphrase is typed."""
        if not self.encrypted or self.key is not None:
            go()
            return
        try:
            self.key = workspace_keys.env_passphrase()
        except ValueError:
            self.key = None  # an unusable CROSSDESK_PASSPHRASE: ask, as without one
        missing_file = self.choice.kind is WorkspaceKind.FILE and not self.choice.path.exists()
        usable = workspace_keys.keychain_problem() is None
        if self.key is not None or usable or self._headless or missing_file:
            go()  # the store lane reads the keychain, or says what is missing
            return
        self._ask(workspace_keys.needs_new_key(self.choice.path), None, go, cancelled)

    def retry(
        self, error: BaseException, go: Callable[[], None], cancelled: Callable[[], None]
    ) -> bool:
        """The store lane could not open the workspace: if a passphrase may open it, ask for
        it (then ``go()`` again) and return True; False: the error is reported as usual."""
        if self._headless or not self.encrypted:
            return False
        if isinstance(error, NeedsPassphraseError):
            self._ask(error.new, localize(self._i18n(), error), go, cancelled)
            return True
        if isinstance(error, StoreError) and error.problem is StoreProblem.WRONG_KEY:
            self.key = None
            title, text = store_error_text(self._i18n(), error)
            self._ask(False, f"{title}\n{text}", go, cancelled)
            return True
        return False

    def _ask(
        self,
        new: bool,
        problem: str | None,
        go: Callable[[], None],
        cancelled: Callable[[], None],
    ) -> None:
        dialog = PassphraseDialog(
            self._i18n(), self.choice.path, new=new, problem=problem, parent=self._parent()
        )
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if result == PassphraseDialog.DialogCode.Accepted and dialog.key is not None:
                self.key = dialog.key
                go()
            else:
                cancelled()

        dialog.finished.connect(finished)
        dialog.open()

    # ------------------------------------------------------------------ store lane
    def store_key(self) -> WorkspaceKey | None:
        """Store lane: the key to open the workspace with (the keychain may block here)."""
        if not self.encrypted:
            key = None
        elif self.key is not None:
            key = self.key
        else:
            path = self.choice.path
            key = workspace_keys.key_for(path, create=workspace_keys.needs_new_key(path))
        with self._lock:
            self.opened_with = key
        return key
