"""``crossdesk --demo --view training [--scenario ID] [--draft TEXT] [--debrief]
--screenshot F.png`` renders the training window, as its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.app_process import run_app, screenshot_view

pytestmark = pytest.mark.gui

BANNER = (255, 244, 204)  # "Practice — nothing is sent to a customer": only a play has it


def banner_rows(image: object) -> int:
    from PySide6.QtGui import QColor, QImage

    assert isinstance(image, QImage)
    colour = QColor(*BANNER).rgb()
    return sum(1 for y in range(0, 120) if image.pixel(image.width() // 4, y) == colour)


def test_a_scenario_in_play_and_a_debrief_are_rendered(tmp_path: Path) -> None:
    image, colours = screenshot_view(
        tmp_path, "training", (1366, 768), "--scenario", "sa-ramadan-delay", "--draft", "Hey buddy!"
    )
    assert (image.width(), image.height()) == (1366, 768)
    assert len(colours) > 12 and banner_rows(image) > 10  # the practice banner, on top

    image, colours = screenshot_view(
        tmp_path,
        "training",
        (1280, 720),
        "--scenario",
        "sa-ramadan-delay",
        "--debrief",
        "--lang",
        "zh_CN",
    )
    assert (image.width(), image.height()) == (1280, 720)
    assert len(colours) > 8 and banner_rows(image) == 0  # the debrief, not the play


def test_the_scenario_list_and_an_unknown_scenario(tmp_path: Path) -> None:
    image, colours = screenshot_view(tmp_path, "training", (1366, 768))
    assert len(colours) > 8 and banner_rows(image) == 0

    target = tmp_path / "none.png"
    result = run_app(
        "--demo", "--data-dir", str(tmp_path / "d"), "--view", "training",
        "--scenario", "no-such-scenario", "--screenshot", str(target),
    )  # fmt: skip
    assert result.returncode == 2 and not target.exists()
    assert "There is no scenario “no-such-scenario”" in result.stderr
    assert "Traceback" not in result.stderr


def test_nothing_of_training_loads_with_the_main_window() -> None:
    """The engine, its scenarios (pydantic) and the training window load when opened."""
    code = (
        "import sys, app.ui.shell.application, app.ui.shell.main_window\n"
        "loaded = [m for m in sys.modules if m.startswith(('app.training', "
        "'app.ops.training_play', 'app.ui.training.window', 'app.ui.training.play_view'))]\n"
        "print(loaded)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
