"""Plugs the KPI view into the main window: View → KPIs (Ctrl+Shift+I) for leads; others
see it disabled with the reason. The view and its plotting library (pyqtgraph, numpy) are
imported only when a lead opens it, never before the inbox's first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from app.domain.changes import Changes
from app.ops import kpis
from app.ui.shell.menus import add_action, view_menu

if TYPE_CHECKING:
    from app.ui.kpis.window import KpiWindow
    from app.ui.shell.main_window import MainWindow

KPI_KEYS = ["Ctrl+Shift+I"]


class KpiRoom(QObject):
    """The KPI entry of one main window and the view it opened (one at a time)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._ctx = window._ctx
        self.is_lead = False
        self.view: KpiWindow | None = None
        _ = self._ctx.i18n._
        menu = view_menu(window)
        menu.setToolTipsVisible(True)  # the reason a non-lead sees it disabled
        self.action: QAction = add_action(window, menu, _("KPIs…"), KPI_KEYS, self.open)
        window.changes_applied.connect(self._changes)
        self._set_lead(False)
        self.refresh_roles()

    def refresh_roles(self) -> None:
        self._ctx.tasks.run_store(kpis.is_lead, self._set_lead, key="kpi-roles", owner=self)

    def _set_lead(self, lead: bool) -> None:
        self.is_lead = lead
        self.action.setEnabled(lead)
        self.action.setToolTip(
            "" if lead else self._ctx.i18n._("Only team leads and admins see the team's KPIs.")
        )

    def _changes(self, changes: Changes, _initiator: object = None) -> None:
        if changes.choices:
            self.refresh_roles()

    def open(self) -> KpiWindow | None:
        """Show the KPI view (brought forward if open); None for a non-lead."""
        if not self.is_lead:
            return None
        return self.show_view()

    def show_view(self) -> KpiWindow:
        """Show the view without the role check: for ``--view kpis``, whose user holds the
        workspace file (and ``report kpis``) anyway."""
        if self.view is not None:
            self.view.raise_()
            self.view.activateWindow()
            return self.view
        from app.ui.kpis.window import KpiWindow  # pyqtgraph and numpy load only now

        view = KpiWindow(self._ctx, parent=self.window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _o=None: setattr(self, "view", None))
        self.view = view
        view.show()
        return view


def install_kpis(window: MainWindow) -> KpiRoom:
    return KpiRoom(window)
