"""The desktop app run as its own process, the way a user or a script starts it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage


def run_app(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m app ARGS``; its output is kept (text) for the test to read."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def screenshot_view(
    tmp_path: Path, view: str, size: tuple[int, int], *extra: str
) -> tuple[QImage, set[int]]:
    """``--demo --view VIEW --size WxH --screenshot F.png`` run cleanly; the image and a
    sample of its colours (a blank canvas has few), for a headless view's test."""
    from PySide6.QtGui import QImage

    target = tmp_path / f"{view}.png"
    width, height = size
    result = run_app(
        "--demo",
        "--data-dir",
        str(tmp_path / "d"),
        "--view",
        view,
        *extra,
        "--size",
        f"{width}x{height}",
        "--screenshot",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QImage(str(target))
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    return image, colours
