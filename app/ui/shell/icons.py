"""Icons from ``resources/icons`` (SVG), loaded once per process and name."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from app.config.paths import resources_dir
from app.domain.models import Channel


@cache
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg`` (an empty icon if it is missing)."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def channel_icon(channel: Channel) -> QIcon:
    return icon(f"channel-{channel.value}")
