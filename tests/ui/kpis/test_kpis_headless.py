"""``crossdesk --demo --view kpis --screenshot F.png`` renders the KPI view."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app_process import screenshot_view

pytestmark = pytest.mark.gui


def test_the_kpi_view_is_rendered_at_the_asked_size(tmp_path: Path) -> None:
    from PySide6.QtGui import QColor

    image, colours = screenshot_view(tmp_path, "kpis", (1280, 720))
    assert (image.width(), image.height()) == (1280, 720)  # the KPI window, not the inbox
    assert len(colours) > 20  # table, bars and heat map drawn, not a blank canvas
    viridis_low = QColor(68, 1, 84).rgb()  # the heat map's empty hours: only this view has it
    assert sum(1 for y in range(0, 720, 4) if image.pixel(1280 // 8, y) == viridis_low) > 3
