"""The KPI charts through pyqtgraph (maintained, pure Python over numpy, draws with Qt's
own painter; chosen over Qt Charts, which needs the ~170 MB PySide6-Addons wheel). Imported
only by the KPI view, so neither pyqtgraph nor numpy loads before a lead opens it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtWidgets import QWidget

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_BARS = 60  # a readable chart; the table holds every row


class DurationChart(pg.PlotWidget):
    """Median and p90 (minutes) per group, side by side."""

    def __init__(self, title: str, legend: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setTitle(title, color="#333")
        self.setAccessibleName(title)  # a painted chart: its title is what it is
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.addLegend(offset=(-10, 10))
        self._legend = legend
        self.bars: list[pg.BarGraphItem] = []

    def show_values(
        self, labels: Sequence[str], medians: Sequence[float], p90s: Sequence[float]
    ) -> None:
        for item in self.bars:
            self.removeItem(item)
        legend = self.getPlotItem().legend
        if legend is not None:
            legend.clear()
        labels, medians, p90s = labels[:MAX_BARS], medians[:MAX_BARS], p90s[:MAX_BARS]
        x = np.arange(len(labels), dtype=float)
        median_bars = pg.BarGraphItem(
            x=x - 0.2,
            height=np.array(medians, float),
            width=0.38,
            brush="#3b82f6",
            name=self._legend[0],
        )
        p90_bars = pg.BarGraphItem(
            x=x + 0.2,
            height=np.array(p90s, float),
            width=0.38,
            brush="#f59e0b",
            name=self._legend[1],
        )
        self.bars = [median_bars, p90_bars]
        for item in self.bars:
            self.addItem(item)
        self.getAxis("bottom").setTicks([list(enumerate(labels))])
        self.setXRange(-0.7, max(len(labels) - 0.3, 0.7), padding=0)


class HeatMap(pg.PlotWidget):
    """Customer messages by the customer's local weekday (rows) and hour (columns)."""

    def __init__(self, title: str, weekdays: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setTitle(title, color="#333")
        self.setAccessibleName(title)  # a painted chart: its title is what it is
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.addItem(self.image)
        self.getAxis("left").setTicks([[(i + 0.5, day) for i, day in enumerate(weekdays)]])
        self.getAxis("bottom").setTicks([[(h + 0.5, str(h)) for h in range(0, 24, 3)]])
        self.invertY(True)
        self.values = np.zeros((7, 24))

    def show_counts(self, heat: Sequence[Sequence[int]]) -> None:
        self.values = np.array(heat, dtype=float).reshape(7, 24)
        top = float(self.values.max()) or 1.0
        self.image.setImage(self.values, levels=(0.0, top))
        self.setRange(xRange=(0, 24), yRange=(0, 7), padding=0)
