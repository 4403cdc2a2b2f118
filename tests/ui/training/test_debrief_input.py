"""A debrief is drawn from a stored report, which may have synced from another backend:
whatever its texts hold they are shown as text, and a report of another shape is said to
be unreadable instead of failing."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.config.paths import translations_dir
from app.i18n import I18n
from app.ui.training.debrief import DebriefView

pytestmark = pytest.mark.gui

HOSTILE = '<img src="http://example.com/x.png"><script>alert(1)</script><b>bold</b>'


def view(qtbot: QtBot) -> DebriefView:
    shown = DebriefView(I18n("en", translations_dir()))
    qtbot.addWidget(shown)
    return shown


def test_every_text_of_a_report_is_shown_as_text(qtbot: QtBot) -> None:
    debrief = view(qtbot)
    report: dict[str, Any] = {
        "score": 41.5,
        "ending": {"state": "left", "outcome": "failure", "note": HOSTILE},
        "criteria": [
            {"key": "tone", "label": HOSTILE, "points": 1, "scale": 4, "reasons": [HOSTILE]}
        ],
        "transcript": [
            {"who": "customer", "text": HOSTILE, "at": 0, "translations": {"en": HOSTILE}},
            {"who": "trainee", "text": HOSTILE, "at": "soon", "response_seconds": "x", "index": 1},
        ],
        "findings": [
            {"reply": 1, "excerpt": HOSTILE, "explanation": HOSTILE, "suggestion": HOSTILE}
        ],
        "timeline": [{"step": "a", "who": "trainee", "at": 1e30, "response_seconds": -5}],
        "path": [HOSTILE],
        "model_answer": [HOSTILE],
    }
    debrief.show_report(report, HOSTILE)
    plain = debrief.body.toPlainText()
    assert "cannot be read" not in plain and "Customer" in plain  # drawn as a debrief
    assert plain.count("<script>alert(1)</script>") >= 5  # the markup, as characters
    html = debrief.body.toHtml()
    assert "<script" not in html and "<img" not in html and "<b>bold" not in html


@pytest.mark.parametrize(
    "report",
    [
        {"ending": "resolved", "transcript": "not a list"},
        {"criteria": [1, 2, 3]},
        {"transcript": [["customer", "hello"]]},
        {"score": {"points": 3}, "findings": [None]},
    ],
)
def test_a_report_of_another_shape_is_said_to_be_unreadable(
    qtbot: QtBot, report: dict[str, Any]
) -> None:
    debrief = view(qtbot)
    debrief.show_report(report, "A scenario")
    assert "cannot be read as a debrief" in debrief.body.toPlainText()
