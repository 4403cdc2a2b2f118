"""The KPI view through the real widgets: View → KPIs for a lead only, loaded when opened,
the pickers change the figures, the table goes to CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.review import Role
from app.ops import review
from app.storage.store import Store
from app.ui.kpis.window import KpiWindow
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.gui


def cell(view: KpiWindow, row: int, column: int) -> str:
    item = view.table.item(row, column)
    assert item is not None
    return item.text()


def table(view: KpiWindow) -> dict[str, list[str]]:
    t = view.table
    return {
        cell(view, r, 0): [cell(view, r, c) for c in range(1, t.columnCount())]
        for r in range(t.rowCount())
    }


@pytest.fixture
def lead(repo: Store, standard_inbox: dict[str, int]) -> dict[str, int]:
    """The standard inbox, 'me' a lead; Ana's conversation answered after 5 minutes and
    Jonas's created 20 days ago (outside "Last 7 days")."""
    me = repo.conversations.agent_by_uid("me")
    assert me is not None
    review.set_roles(repo, me.id, [Role.AGENT, Role.LEAD])
    conn = repo._link.conn
    with repo.transaction():
        conn.execute(
            "UPDATE conversations SET first_response_at = created_at + 300 WHERE id = ?",
            (standard_inbox["Ana Souza"],),
        )
        conn.execute(
            "UPDATE conversations SET created_at = ? WHERE id = ?",
            (NOW - 20 * 86400, standard_inbox["Jonas Müller"]),
        )
    return standard_inbox


def open_kpis(window: MainWindow, qtbot: QtBot) -> KpiWindow:
    qtbot.waitUntil(lambda: window.kpis.is_lead, timeout=5000)
    window.kpis.action.trigger()
    view = window.kpis.view
    assert view is not None
    qtbot.addWidget(view)
    view.resize(1366, 768)
    qtbot.waitUntil(lambda: view.report is not None and view.demand is not None, timeout=5000)
    return view


def test_a_lead_opens_the_view_and_the_pickers_change_the_figures(
    lead: dict[str, int], open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = open_window()
    assert window.kpis.view is None  # nothing loaded before the lead asks
    view = open_kpis(window, qtbot)
    assert view.period_box.currentText() == "Last 30 days"
    by_country = table(view)
    assert by_country["BR"][:3] == ["1", "1", "5 min"]  # volume, backlog, FRT median
    assert by_country["All"][0] == str(len(lead))
    assert len(view.frt_chart.bars[0].opts["height"]) == len(by_country) - 1

    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.period_box.setCurrentIndex(0)  # Last 7 days: Jonas's is older
    assert "DE" not in table(view) or table(view)["DE"][0] == "0"
    assert table(view)["All"][0] == str(len(lead) - 1)

    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.grouping_box.setCurrentIndex(view.grouping_box.findData("channel"))
    channels = table(view)
    assert "whatsapp" in channels and "BR" not in channels
    header = view.table.horizontalHeaderItem(0)
    assert header is not None and header.text() == "Channel"
    assert view.demand is not None
    shown = [[int(v) for v in day] for day in view.heat_map.values.tolist()]
    assert shown == [list(day) for day in view.demand.heat]


def test_the_table_exports_to_csv(
    lead: dict[str, int], open_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    view = open_kpis(open_window(), qtbot)
    target = tmp_path / "kpis.csv"
    assert view.export_to(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["country", "volume", "backlog", "frt_n"]
    assert rows[-1][0] == "All" and rows[-1][1] == str(len(lead))
    brazil = next(r for r in rows if r[0] == "BR")
    assert brazil[4] == "300"  # the FRT median in seconds
    assert view.status.text() == f"Saved {target}"
    assert not view.export_to(tmp_path / "missing" / "kpis.csv")
    assert view.status.text().startswith("Could not write")


def test_an_agent_sees_kpis_disabled_with_the_reason(
    standard_inbox: dict[str, int], open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = open_window()
    action = window.kpis.action
    assert not action.isEnabled()
    assert "team leads" in action.toolTip()
    assert window.kpis.open() is None and window.kpis.view is None
