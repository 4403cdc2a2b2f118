"""``--view kpis``: once the inbox has loaded, the KPI view opens (last 30 days, per
country); with ``--screenshot`` it is written once its table, charts and heat map show."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.ui.shell.headless import screenshot_room

if TYPE_CHECKING:
    from app.ui.kpis.window import KpiWindow
    from app.ui.shell.main_window import MainWindow
    from app.ui.shell.startup import LaunchOptions


def arm_kpis(
    window: MainWindow,
    options: LaunchOptions,
    quit_with: Callable[[int], None],
    settled: Callable[[], bool],
) -> None:
    """Open the KPI view after the inbox's first page (and screenshot it if asked)."""
    shown: list[KpiWindow] = []

    def open_view() -> None:
        if shown:
            return
        view = window.kpis.show_view()
        if options.size is not None:
            view.resize(*options.size)
        shown.append(view)

    window.inbox.page_loaded.connect(open_view)

    def ready() -> bool:
        view = shown[0] if shown else None
        return bool(view and view.report is not None and view.demand is not None and settled())

    screenshot_room(options.screenshot, ready, shown, quit_with)
