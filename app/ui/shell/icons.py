"""Icons from ``resources/icons`` (SVG), loaded once per process, name and appearance."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.config.paths import resources_dir
from app.domain.models import Channel
from app.ui.shell import style

MONO = b"#5F6B7A"  # the one colour of the line icons: redrawn in the theme's muted text colour
RENDER_PX = 96  # drawn once this large, scaled down crisply at any screen scale


def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon if it is missing), its
    line colour readable on the active appearance's background."""
    return _icon(name, style.THEME)


@cache
def _icon(name: str, theme: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    if not path.exists():
        return QIcon()
    if theme == "light":
        return QIcon(str(path))
    data = path.read_bytes()
    if MONO not in data:  # a brand's colours (the channels) stay as they are
        return QIcon(str(path))
    colour = style.THEMES[theme]["muted"].encode()
    renderer = QSvgRenderer(QByteArray(data.replace(MONO, colour)))
    pixmap = QPixmap(RENDER_PX, RENDER_PX)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return QIcon(pixmap)


def channel_icon(channel: Channel) -> QIcon:
    return icon(f"channel-{channel.value}")
