"""With the UI in Chinese, the side panel speaks Chinese: for every demo customer, every
line of the etiquette view and of the "now" facts carries Chinese, apart from what is sent
to the customer (greetings and sign-offs, shown with a Chinese gloss); holiday names and
tags too. And the one-page culture card of every country fits on one page."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir, translations_dir
from app.domain.models import Customer
from app.i18n import I18n
from app.ops.culture import CultureData, customer_culture, load_culture
from app.storage.store import Store
from app.ui.culture.card import card_html, card_pdf
from app.ui.culture.sections import now_lines, profile_blocks
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.culture.test_culture_panel import RIYADH_CUSTOMER, open_with_culture, panel_text

pytestmark = pytest.mark.gui

CJK = re.compile(r"[\u4e00-\u9fff]")
PROSE = re.compile(r"\b[a-z]{3,}\b")  # English prose has lower-case words; "Mercado Pago" not


def reads_chinese(line: str) -> bool:
    """Chinese, or only names (brands, places) that have no Chinese form to show."""
    return bool(CJK.search(line)) or not PROSE.search(line)


# Instants across the year: Ramadan 1448, Christmas week, Golden Week, mid-year.
MOMENTS = [
    dt.datetime(2027, 2, 20, 7, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 21, 7, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 4, 28, 7, 0, tzinfo=dt.UTC),
    dt.datetime(2027, 7, 1, 7, 0, tzinfo=dt.UTC),
]


@cache
def culture() -> CultureData:
    return load_culture(Paths(Path("/nonexistent-crossdesk-data")))


@cache
def chinese() -> I18n:
    return I18n("zh_CN", translations_dir())


def demo_customers() -> list[Customer]:
    data = yaml.safe_load((resources_dir() / "demo" / "customers.yaml").read_text("utf-8"))
    rows = data["customers"] if isinstance(data, dict) else data
    return [
        Customer(
            0,
            str(row.get("id", row["name"])),
            row["name"],
            row["country"],
            row.get("language", ""),
            row.get("timezone", ""),
        )
        for row in rows
    ]


@pytest.mark.parametrize("customer", demo_customers(), ids=lambda c: f"{c.country}-{c.name}")
def test_every_line_of_the_etiquette_view_is_in_chinese(customer: Customer) -> None:
    situation = customer_culture(culture(), customer, int(MOMENTS[0].timestamp()))
    assert situation.profile is not None
    for title, lines in profile_blocks(chinese(), situation.profile):
        assert CJK.search(title), title
        for line in lines:
            assert reads_chinese(line), (customer.country, title, line)


@pytest.mark.parametrize("customer", demo_customers(), ids=lambda c: f"{c.country}-{c.name}")
def test_the_now_facts_and_holidays_are_in_chinese(customer: Customer) -> None:
    for moment in MOMENTS:
        situation = customer_culture(culture(), customer, int(moment.timestamp()))
        for line in now_lines(chinese(), situation.facts):
            if line in situation.facts.problems:
                continue  # a data problem, named as the library reports it
            text = re.sub(r"[\u2068\u2069]", "", line)
            examples = [situation.facts.currency_example, situation.facts.date_example]
            for example in filter(None, examples):
                text = text.replace(example, "")
            assert reads_chinese(text), (customer.country, line)


def test_saudi_arabia_in_ramadan_in_the_chinese_window(
    qtbot: QtBot, repo: Store, open_window: WindowFactory, make_ctx: ContextFactory
) -> None:
    add_conversation(repo, RIYADH_CUSTOMER, add_agents(repo))
    moment = int(MOMENTS[0].timestamp())

    def chinese_window(ctx: object = None) -> MainWindow:
        return open_window(ctx=make_ctx(lang="zh_CN", clock=lambda: moment))

    window = open_with_culture(qtbot, chinese_window, make_ctx, moment, "Fahad Al-Qahtani")
    text = panel_text(window)
    assert "斋月" in text and "Ramadan Kareem" in text  # the greeting stays as it is said
    assert "How to write" not in text and "Saying no" not in text
    assert "السلام عليكم" in text  # the customer-facing greeting, in Arabic, with its gloss
    assert "货到付款" in window.conversation.header.tags_row.itemAt(0).widget().text()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_longest_culture_cards_fit_on_one_page(qapp: object, language: str) -> None:
    """The eight profiles with the most text (each fit is measured: fonts differ)."""
    i18n = I18n(language, translations_dir())
    data = culture()
    longest = sorted(
        data.profiles.profiles.items(),
        key=lambda item: len(card_html(i18n, item[1], data.weekends.get(item[0]))),
    )[-8:]
    for code, profile in longest:
        pdf = PdfReader(io.BytesIO(card_pdf(i18n, profile, data.weekends.get(code))))
        assert len(pdf.pages) == 1, code
        assert "Asia/" in pdf.pages[0].extract_text() or profile.timezone[:4] != "Asia", code
