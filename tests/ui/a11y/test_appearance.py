"""Light, dark and high contrast: readable text (WCAG AA) in each, the OS followed when
the setting is "system", a visible focus everywhere, and fonts that scale."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.settings import APPEARANCES
from app.ui.shell import style
from app.ui.shell.main_window import MainWindow
from tests.ui.a11y.conftest import DemoFactory

THEMES = ("light", "dark", "high_contrast")


def test_the_setting_and_the_style_module_offer_the_same_appearances() -> None:
    assert style.APPEARANCES == APPEARANCES
    assert set(style.THEMES) == set(APPEARANCES) - {"system"}
    assert all(set(t) == set(style.THEMES["light"]) for t in style.THEMES.values())


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_colour_reaches_aa_contrast_on_its_background(theme: str) -> None:
    colours = style.THEMES[theme]
    low = {
        f"{fg} on {bg}": round(style.contrast_ratio(colours[fg], colours[bg]), 2)
        for fg, bg in style.CONTRAST_PAIRS
        if style.contrast_ratio(colours[fg], colours[bg]) < style.MIN_CONTRAST
    }
    assert not low, low


def test_the_contrast_ratio_is_wcags() -> None:
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert style.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("theme", THEMES)
def test_focus_is_drawn_and_no_font_size_is_in_pixels(theme: str) -> None:
    sheet = style.style_sheet(theme, 10.0)
    assert re.search(
        r"QLineEdit:focus.*?border: \dpx solid " + style.THEMES[theme]["focus"], sheet, re.S
    )
    assert "QPushButton#primary:focus" in sheet
    assert not re.search(r"font-size:\s*[\d.]+px", sheet)
    assert "font-size: 12.0pt" in sheet  # the customer's name: 1.2 x the UI font


def row_background(window: MainWindow) -> QColor:
    """The colour of an unselected inbox row, as painted."""
    table = window.inbox.list
    index = table.model().index(1, 0)
    table.selectionModel().clearSelection()
    image = table.viewport().grab(table.visualRect(index)).toImage()
    return QColor(image.pixel(image.width() - 3, image.height() // 2 + 4))


@pytest.mark.gui
def test_dark_and_high_contrast_repaint_the_window(
    demo: DemoFactory, qt_app: QApplication, qtbot: QtBot
) -> None:
    window = demo("en")
    for theme in THEMES:
        style.apply_appearance(qt_app, theme)
        colours = style.THEMES[theme]
        assert qt_app.palette().color(QPalette.ColorRole.Window) == QColor(colours["window"])
        assert QColor(colours["text"]) == style.TEXT  # what the delegates paint with
        assert style.BUBBLE  # the thread's bubbles too
        base = QColor(colours["base"])
        qtbot.waitUntil(lambda: row_background(window) == base)  # noqa: B023 - awaited here
        thread = window.conversation.thread_view.viewport().grab().toImage()
        corner = QColor(thread.pixel(2, 2))
        assert corner == QColor(colours["base"]), (theme, corner.name())
        # The messages were laid out again in the theme's bubbles.
        frames = window.conversation.thread_view.document().rootFrame().childFrames()
        bubbles = {f.frameFormat().background().color().name().upper() for f in frames}
        assert colours["bubble_customer"] in bubbles, (theme, bubbles)


@pytest.mark.gui
def test_high_contrast_shows_where_the_focus_is(
    demo: DemoFactory, qt_app: QApplication, qtbot: QtBot
) -> None:
    window = demo("en")
    style.apply_appearance(qt_app, "high_contrast")
    search = window.inbox.filters.search
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    image = search.grab().toImage()
    focus = QColor(style.THEMES["high_contrast"]["focus"])
    edge = [QColor(image.pixel(x, 0)) for x in range(4, image.width() - 4)]
    assert sum(c == focus for c in edge) > len(edge) * 0.8


@pytest.mark.gui
def test_system_follows_the_os_scheme_and_its_contrast_setting(
    qt_app: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offscreen platform reports no scheme; the OS's answer is stood in for, the
    signal that says it changed is Qt's own."""
    answer = {"theme": "dark"}
    monkeypatch.setattr(style, "os_theme", lambda: answer["theme"])
    style.apply_appearance(qt_app, "system")
    assert style.THEME == "dark"
    assert qt_app.palette().color(QPalette.ColorRole.Base) == QColor(style.THEMES["dark"]["base"])
    answer["theme"] = "high_contrast"
    qt_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert style.THEME == "high_contrast"
    assert style.HIGH_CONTRAST
    style.apply_appearance(qt_app, "light")  # a choice of the agent's: the OS is not followed
    answer["theme"] = "dark"
    qt_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert style.THEME == "light"
    style.apply_appearance(qt_app, "no such appearance")  # a damaged setting: "system"
    assert style.THEME == "dark"


@pytest.mark.gui
def test_a_larger_ui_font_makes_the_header_larger(
    demo: DemoFactory, qt_app: QApplication, qtbot: QtBot
) -> None:
    window = demo("en")
    name = window.conversation.header.customer_name
    font = QFont(qt_app.font())
    base = font.pointSizeF()
    style.apply_appearance(qt_app, "light")
    before = name.font().pointSizeF()
    assert before == pytest.approx(base * style.NAME_SCALE, abs=0.1)
    font.setPointSizeF(base * 1.5)
    qt_app.setFont(font)
    try:
        style.apply_appearance(qt_app, "light")
        qtbot.waitUntil(lambda: name.font().pointSizeF() > before * 1.4)
    finally:
        font.setPointSizeF(base)
        qt_app.setFont(font)
