"""The main window fits the screen it opens on: a first window on a 1366x768 laptop (or a
1280x720 projector) gets that screen's free area, never more; a remembered geometry from
a screen that is gone (an unplugged monitor) or larger than this one is brought back on
to a screen that exists."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStyle, QWidget

FIRST_SIZE = QSize(1480, 900)  # the size a first window would like on a large screen


def _overlap(a: QRect, b: QRect) -> int:
    inter = a.intersected(b)
    return 0 if inter.isEmpty() else inter.width() * inter.height()


def fitted(geometry: QRect, screens: Sequence[QRect], minimum: QSize | None = None) -> QRect:
    """``geometry`` moved and shrunk into the screen area it overlaps most (the first,
    primary, screen when it overlaps none); never smaller than ``minimum``."""
    if not screens:
        return QRect(geometry)
    area = max(screens, key=lambda screen: _overlap(geometry, screen))
    if _overlap(geometry, area) == 0:
        area = screens[0]
    low = minimum or QSize(0, 0)
    width = max(min(geometry.width(), area.width()), low.width())
    height = max(min(geometry.height(), area.height()), low.height())
    left = min(max(geometry.left(), area.left()), area.right() + 1 - width)
    top = min(max(geometry.top(), area.top()), area.bottom() + 1 - height)
    return QRect(max(left, area.left()), max(top, area.top()), width, height)


def first_geometry(available: QRect, minimum: QSize | None = None) -> QRect:
    """A first window: as large as it likes up to the screen's free area, centred on it."""
    low = minimum or QSize(0, 0)
    width = max(min(FIRST_SIZE.width(), available.width()), low.width())
    height = max(min(FIRST_SIZE.height(), available.height()), low.height())
    left = available.left() + max(0, (available.width() - width) // 2)
    top = available.top() + max(0, (available.height() - height) // 2)
    return QRect(left, top, width, height)


def available_areas() -> list[QRect]:
    """The free area of every screen (the primary first): without panels and docks."""
    primary = QGuiApplication.primaryScreen()
    screens = QGuiApplication.screens()
    ordered = [primary, *(s for s in screens if s is not primary)] if primary else screens
    return [screen.availableGeometry() for screen in ordered]


def fit_to_screen(window: QWidget, *, restored: bool) -> None:
    """Size and place ``window`` before it is shown: a first window from the screen's free
    area; a restored one clamped on to a screen that exists."""
    # The geometry set here is the client area: leave room for the title bar above it.
    title = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight)
    areas = [area.adjusted(0, title, 0, 0) for area in available_areas()]
    if not areas:
        return
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if restored:
        target = fitted(window.geometry(), areas, minimum)
    else:
        target = first_geometry(areas[0], minimum)
    if target != window.geometry():
        window.setGeometry(target)
