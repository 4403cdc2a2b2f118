"""Examples in the customer's script read as one unit inside the panel's English lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QTextLayout
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.i18n import I18n
from app.ops import inbox
from app.ops.culture import customer_culture, load_culture
from app.storage.store import Store
from app.ui.culture.sections import now_lines
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory

pytestmark = pytest.mark.gui

DEC_2 = int(dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC).timestamp())  # 10:00 in Riyadh


def visual_x(line: str, index: int) -> float:
    """Where the character at ``index`` is drawn in ``line`` laid out left to right."""
    layout = QTextLayout(line, QFont())
    layout.beginLayout()
    text_line = layout.createLine()
    text_line.setLineWidth(2000)
    layout.endLayout()
    return text_line.cursorToX(index)[0]


def test_the_saudi_date_example_is_isolated_and_reads_in_order(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    cid = add_conversation(
        repo,
        Conv(customer="Fahad Al-Qahtani", country="SA", language="ar-SA", timezone="Asia/Riyadh"),
        add_agents(repo),
    )
    customer = inbox.conversation_detail(repo, cid).customer
    culture = customer_culture(load_culture(Paths(Path("/nonexistent"))), customer, DEC_2)
    example = culture.facts.date_example
    assert example is not None and "\u200f" in example  # right-to-left marks: the trap
    i18n: I18n = make_ctx().i18n
    lines = now_lines(i18n, culture.facts)
    line = next(x for x in lines if x.startswith("Dates are written: "))
    assert line == f"Dates are written: \u2068{example}\u2069"
    money = next(x for x in lines if x.startswith("Money: "))
    assert money.startswith("Money: \u2068") and money.endswith("\u2069")

    # Rendered: the example keeps its own right-to-left order as one block after the
    # label ("2026/12/2"), instead of the day being torn away ("22026/12/").
    start = line.index("\u2068") + 1
    day, year = start, start + example.rindex("/") + 1
    assert visual_x(line, day) > visual_x(line, year)
    assert visual_x(line, start) >= visual_x(line, line.index(":"))
