"""The culture side panel and the draft check, on real widgets: what the agent sees for a
customer in Japan, in Riyadh during Ramadan, in a country with no profile; articles read
safely and inserted into the reply; a bad team file named in the status bar."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir
from app.domain.models import MessageKind
from app.ops import knowledge
from app.ops.culture import CultureData, load_culture
from app.storage.store import Store
from app.ui.knowledge.reader import ArticleReader
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import visible_names

pytestmark = pytest.mark.gui

RAMADAN_1448 = int(dt.datetime(2027, 2, 20, 7, 0, tzinfo=dt.UTC).timestamp())  # 10:00 Riyadh
TOKYO_2340 = int(dt.datetime(2026, 11, 23, 14, 40, tzinfo=dt.UTC).timestamp())  # 23:40 Tokyo


RIYADH_CUSTOMER = Conv(
    customer="Fahad Al-Qahtani",
    country="SA",
    language="ar-SA",
    timezone="Asia/Riyadh",
    tags=("cash-on-delivery",),
    messages=[(MessageKind.CUSTOMER, "هل يمكنني الدفع عند الاستلام؟")],
)


@cache
def builtin_culture() -> CultureData:
    return load_culture(Paths(Path("/nonexistent-crossdesk-data")))


@pytest.fixture
def customers(repo: Store) -> None:
    agents = add_agents(repo)
    for conv in (
        Conv(
            customer="山本 健",
            country="JP",
            language="ja",
            timezone="Asia/Tokyo",
            tags=("refund", "return"),
            messages=[(MessageKind.CUSTOMER, "返品と返金について教えてください。")],
        ),
        RIYADH_CUSTOMER,
        Conv(
            customer="Nobody Known",
            country="AQ",
            language="en",
            timezone="Mars/Base",
            messages=[(MessageKind.CUSTOMER, "Hello from the ice.")],
        ),
    ):
        add_conversation(repo, conv, agents)
    knowledge.load_bundled(repo, resources_dir() / "knowledge" / "articles")


def open_with_culture(
    qtbot: QtBot, open_window: WindowFactory, make_ctx: ContextFactory, now: int, name: str
) -> MainWindow:
    window = open_window(ctx=make_ctx(clock=lambda: now))
    window.set_culture_data(builtin_culture())
    window.inbox.filters.status.setCurrentIndex(window.inbox.filters.status.findData("all"))
    qtbot.waitUntil(lambda: name in visible_names(window), timeout=5000)
    window.inbox.select_row(visible_names(window).index(name))
    qtbot.waitUntil(lambda: window.side_panel.culture is not None, timeout=5000)
    qtbot.waitUntil(
        lambda: (
            window.side_panel.culture is not None
            and window.side_panel.culture.country == window.conversation.detail.customer.country
        ),  # type: ignore[union-attr]
        timeout=5000,
    )
    return window


def panel_text(window: MainWindow) -> str:
    labels = window.side_panel.findChildren(QLabel)
    shown = [label.text() for label in labels if label.isVisibleTo(window.side_panel)]
    return "\n".join([*shown, window.side_panel.etiquette.toPlainText()])


def test_a_japanese_customer_late_at_night(
    qtbot: QtBot, customers: None, open_window: WindowFactory, make_ctx: ContextFactory
) -> None:
    window = open_with_culture(qtbot, open_window, make_ctx, TOKYO_2340, "山本 健")
    text = panel_text(window)
    assert "It is 23:40 for this customer: a short reply now, the full answer in their" in text
    assert "outside business hours" in text
    assert "How to write" in text and "様" in text  # honorific, written in Japanese
    assert "Act on the Protection of Personal Information" in text
    titles = [window.side_panel.knowledge.list.item(i).text() for i in range(3)]
    assert any("Japan" in t or "JP" in t for t in titles), titles


def test_ramadan_in_riyadh_advice_and_a_promotion_flagged_in_the_draft(
    qtbot: QtBot, customers: None, open_window: WindowFactory, make_ctx: ContextFactory
) -> None:
    window = open_with_culture(qtbot, open_window, make_ctx, RAMADAN_1448, "Fahad Al-Qahtani")
    text = panel_text(window)
    assert "Ramadan (2027-02-08 – 2027-03-08" in text and "Ramadan Kareem" in text
    assert "Weekend: Friday, Saturday" in text
    composer = window.conversation.composer
    composer.editor.setPlainText("Flash sale this week: 50% off all chargers!")
    check = window.draft_check
    qtbot.waitUntil(lambda: bool(check.findings), timeout=5000)
    kinds = {f.kind for f in check.findings}
    assert "promotion" in kinds
    assert check.isVisible()
    assert "Flash sale" in check.summary.text()
    assert composer.send_button.isEnabled()  # advice, never a block


def test_a_country_without_a_profile_still_gets_what_can_be_computed(
    qtbot: QtBot, customers: None, open_window: WindowFactory, make_ctx: ContextFactory
) -> None:
    window = open_with_culture(qtbot, open_window, make_ctx, TOKYO_2340, "Nobody Known")
    text = panel_text(window)
    assert "No etiquette profile for Antarctica yet" in text
    assert "unknown time zone 'Mars/Base'" in text
    assert "How to write" not in text


def test_an_article_opens_inert_and_its_snippet_goes_into_the_reply(
    qtbot: QtBot, customers: None, open_window: WindowFactory, make_ctx: ContextFactory
) -> None:
    window = open_with_culture(qtbot, open_window, make_ctx, TOKYO_2340, "山本 健")
    articles = window.side_panel.knowledge
    qtbot.waitUntil(lambda: bool(articles.views), timeout=5000)
    articles.list.setCurrentRow(0)
    articles._open(articles.list.item(0))
    reader = window.findChild(ArticleReader)
    assert isinstance(reader, ArticleReader)
    assert reader.browser.toPlainText().strip()
    assert reader.browser.refused_resources == []  # nothing was even asked for
    snippet = reader.view.snippet
    qtbot.mouseClick(reader.insert, Qt.MouseButton.LeftButton)
    assert snippet in window.conversation.composer.text()


def test_a_bad_team_profile_is_named_in_the_status_bar(
    qtbot: QtBot, customers: None, open_window: WindowFactory, tmp_path: Path
) -> None:
    paths = Paths(tmp_path / "data")
    (paths.team_etiquette / "profiles").mkdir(parents=True)
    bad = paths.team_etiquette / "profiles" / "JP.yaml"
    bad.write_text("business_hours: {start: '25:00'}\n", encoding="utf-8")
    data = load_culture(paths)
    window = open_window()
    window.set_culture_data(data)
    window.show_data_problems(data.errors)
    label = window.findChild(QLabel, "dataProblems")
    assert label is not None
    assert label.text() == "⚠ 1 data file could not be used (hover for details)"
    assert str(bad) in label.toolTip() and "25:00" in label.toolTip()
    japan = data.profiles.get("JP")  # the built-in profile stays: only the team layer is skipped
    assert japan is not None and japan.business_hours.start == "09:00"
    assert "SA" in data.profiles.profiles


def test_a_declared_national_mourning_flags_promotions_in_the_draft(
    qtbot: QtBot,
    customers: None,
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    tmp_path: Path,
) -> None:
    """No library knows mourning periods in advance: a team declares one in an overlay."""
    paths = Paths(tmp_path / "data")
    (paths.team_etiquette / "overlays").mkdir(parents=True)
    (paths.team_etiquette / "overlays" / "JP.yaml").write_text(
        "mourning:\n  - {start: 2026-11-20, end: 2026-11-30, reason: 'State funeral'}\n",
        encoding="utf-8",
    )
    window = open_window(ctx=make_ctx(clock=lambda: TOKYO_2340))
    window.set_culture_data(load_culture(paths))
    window.inbox.select_row(visible_names(window).index("山本 健"))
    qtbot.waitUntil(
        lambda: window.side_panel.culture is not None and window.side_panel.culture.country == "JP",
        timeout=5000,
    )
    assert "National mourning (State funeral)" in panel_text(window)
    window.conversation.composer.editor.setPlainText("Big discount this weekend!")
    qtbot.waitUntil(lambda: bool(window.draft_check.findings), timeout=5000)
    assert "promotion" in {f.kind for f in window.draft_check.findings}
