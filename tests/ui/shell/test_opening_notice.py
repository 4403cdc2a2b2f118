"""A slow start (a workspace upgraded once, its search index rebuilt) shows a notice
instead of nothing, and the notice goes away when the workspace is open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from app.config.paths import translations_dir
from app.i18n import I18n
from app.ui.shell.startup import OpeningNotice

pytestmark = pytest.mark.gui


def _notices() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]


def test_a_slow_start_says_what_is_happening_then_goes_away(qtbot: QtBot) -> None:
    notice = OpeningNotice(I18n("en", translations_dir()), headless=False)
    assert notice.widget is None  # a quick start shows nothing at all
    qtbot.waitUntil(lambda: notice.widget is not None and notice.widget.isVisible(), timeout=3000)
    assert notice.widget is not None
    assert "Opening the workspace" in notice.widget.labelText()
    assert "Nothing is lost" in notice.widget.labelText()
    notice.done()
    assert notice.widget is None
    qtbot.waitUntil(lambda: not any(w.isVisible() for w in _notices()), timeout=3000)


def test_encrypting_a_plain_workspace_says_so(qtbot: QtBot) -> None:
    notice = OpeningNotice(I18n("en", translations_dir()), headless=False, encrypting=True)
    qtbot.waitUntil(lambda: notice.widget is not None and notice.widget.isVisible(), timeout=3000)
    assert notice.widget is not None
    text = notice.widget.labelText()
    assert text.startswith("Encrypting the workspace…") and "Nothing is lost" in text
    notice.done()
    qtbot.waitUntil(lambda: not any(w.isVisible() for w in _notices()), timeout=3000)


def test_a_quick_start_and_the_headless_modes_show_no_notice() -> None:
    quick = OpeningNotice(I18n("zh_CN", translations_dir()), headless=False)
    quick.done()  # opened before the delay ran out
    headless = OpeningNotice(I18n("en", translations_dir()), headless=True)
    # Nothing is left that could show it later: no timer runs for either.
    assert not quick._timer.isActive() and not headless._timer.isActive()
    assert quick.widget is None and headless.widget is None
    assert not any(w.isVisible() for w in _notices())
