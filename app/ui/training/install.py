"""Plugs the training window into the main window: View → Training… for every agent
(trainees are agents; trainers find their tools inside). Nothing of the training engine,
its scenarios or its records is imported before the agent opens it: the inbox's first
paint never pays for training."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from app.ui.shell.menus import add_action, view_menu

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow
    from app.ui.training.window import TrainingWindow

# Ctrl+Shift+T is already "Tags…" in the Conversation menu: E as in "exercise".
TRAINING_KEYS = ["Ctrl+Shift+E"]


class TrainingRoom(QObject):
    """The training entry of one main window and the window it opened (one at a time)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._ctx = window._ctx
        self.view: TrainingWindow | None = None
        _ = self._ctx.i18n._
        menu = view_menu(window)
        menu.addSeparator()
        self.action: QAction = add_action(window, menu, _("Training…"), TRAINING_KEYS, self.open)
        self.action.setToolTip(
            _("Practise with simulated customers from other cultures; nothing is sent.")
        )

    def open(self) -> TrainingWindow:
        """Show the training window (brought forward if it is open)."""
        if self.view is not None:
            self.view.raise_()
            self.view.activateWindow()
            return self.view
        from app.ui.training.window import TrainingWindow  # the engine loads only now

        view = TrainingWindow(self._ctx, parent=self.window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _o=None: setattr(self, "view", None))
        culture = self.window.side_panel.culture_data
        if culture is not None:  # the etiquette data the inbox already loaded
            view.set_culture_data(culture)
        view.changed.connect(lambda changes: self.window.apply_changes(changes, view))
        self.window.changes_applied.connect(view.apply_changes)
        self.view = view
        view.show()
        return view


def install_training(window: MainWindow) -> TrainingRoom:
    return TrainingRoom(window)
