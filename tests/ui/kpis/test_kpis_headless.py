"""``crossdesk --demo --view kpis --screenshot F.png`` renders the KPI view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app_process import run_app

pytestmark = pytest.mark.gui


def test_the_kpi_view_is_rendered_at_the_asked_size(tmp_path: Path) -> None:
    target = tmp_path / "kpis.png"
    result = run_app(
        "--demo",
        "--data-dir",
        str(tmp_path / "d"),
        "--view",
        "kpis",
        "--size",
        "1280x720",
        "--screenshot",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    from PySide6.QtGui import QColor, QImage

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 720)  # the KPI window, not the inbox
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    assert len(colours) > 20  # table, bars and heat map drawn, not a blank canvas
    viridis_low = QColor(68, 1, 84).rgb()  # the heat map's empty hours: only this view has it
    assert sum(1 for y in range(0, 720, 4) if image.pixel(1280 // 8, y) == viridis_low) > 3
