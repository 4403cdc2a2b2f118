"""The demo workspace's pictures (``resources/demo/attachments``), drawn once and committed.

    QT_QPA_PLATFORM=offscreen python -m tests.helpers.demo_pictures

Photo-like on purpose (texture, light, a slight tilt) so thumbnails and the viewer look
as they do with real customer photos; each file stays under 100 KB.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)

from app.config.paths import resources_dir

FOLDER = resources_dir() / "demo" / "attachments"


def _grain(painter: QPainter, width: int, height: int, rng: random.Random, count: int) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    for _ in range(count):
        shade = rng.randrange(-40, 40)
        painter.setBrush(QColor(128 + shade, 128 + shade, 128 + shade, 18))
        painter.drawRect(rng.randrange(width), rng.randrange(height), 2, 2)


def _vignette(painter: QPainter, width: int, height: int) -> None:
    light = QRadialGradient(QPointF(width / 2, height / 2), max(width, height) * 0.75)
    light.setColorAt(0.55, QColor(0, 0, 0, 0))
    light.setColorAt(1, QColor(0, 0, 0, 90))
    painter.fillRect(0, 0, width, height, QBrush(light))


@contextmanager
def _photo(
    width: int, height: int, seed: int, grain: int
) -> Iterator[tuple[QImage, QPainter, random.Random]]:
    """An antialiased canvas and its own seeded randomness (the same picture every run);
    on leaving, the camera's grain and vignette, and the painter ended."""
    rng = random.Random(seed)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    yield image, p, rng
    _grain(p, width, height, rng, grain)
    _vignette(p, width, height)
    p.end()


def receipt() -> QImage:
    """A courier's duties receipt on a desk (Jen Walsh's $58.37)."""
    width, height = 900, 1200
    with _photo(width, height, seed=7, grain=9000) as (image, p, rng):
        desk = QLinearGradient(0, 0, width, height)
        desk.setColorAt(0, QColor("#8B6A4E"))
        desk.setColorAt(1, QColor("#5E4633"))
        p.fillRect(image.rect(), QBrush(desk))
        p.setPen(QPen(QColor(60, 40, 25, 50), 3))
        for y in range(0, height, 37):
            p.drawLine(0, y + rng.randrange(-8, 8), width, y + rng.randrange(-8, 8))
        p.translate(width / 2, height / 2)
        p.rotate(-3.5)
        paper = QRectF(-330, -500, 660, 1000)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 70))
        p.drawRect(paper.translated(10, 14))
        p.setBrush(QColor("#F7F4EC"))
        p.drawRect(paper)
        ink = QColor("#2B2B2B")
        p.setPen(ink)
        p.setFont(QFont("DejaVu Sans", 30, QFont.Weight.Bold))
        p.drawText(QRectF(-300, -470, 600, 60), Qt.AlignmentFlag.AlignCenter, "PARCEL EXPRESS")
        p.setFont(QFont("DejaVu Sans Mono", 17))
        lines = [
            "IMPORT DUTIES & BROKERAGE",
            "",
            "Tracking  1Z84V9E70344120186",
            "Consignee J. WALSH",
            "Date      2026-11-21  14:32",
            "",
            "Duty (HTS 8508.11)      $41.12",
            "Brokerage fee           $12.50",
            "Disbursement fee         $4.75",
            "--------------------------------",
            "TOTAL PAID              $58.37",
            "",
            "Paid by VISA ****4417",
            "Auth 0938AB",
            "",
            "Thank you",
        ]
        for index, line in enumerate(lines):
            p.drawText(QPointF(-290, -360 + index * 44), line)
        p.setPen(QPen(QColor(180, 30, 30, 160), 5))
        p.setFont(QFont("DejaVu Sans", 34, QFont.Weight.Bold))
        p.rotate(-12)
        p.drawRect(QRectF(40, 300, 230, 90))
        p.drawText(QRectF(40, 300, 230, 90), Qt.AlignmentFlag.AlignCenter, "PAID")
        p.resetTransform()
    return image


def rug_damage() -> QImage:
    """A wool rug with a bald, frayed patch and the robot vacuum beside it."""
    width, height = 1200, 900
    with _photo(width, height, seed=11, grain=8000) as (image, p, rng):
        p.fillRect(image.rect(), QColor("#B89A74"))
        p.setPen(QPen(QColor("#7A2E2E"), 26))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(60, 50, width - 120, height - 100)
        p.setPen(QPen(QColor("#2F4A5C"), 10))
        p.drawRect(110, 100, width - 220, height - 200)
        for cx in range(260, width - 150, 230):  # the rug's diamonds
            path = QPainterPath()
            path.moveTo(cx, 250)
            path.lineTo(cx + 80, 450)
            path.lineTo(cx, 650)
            path.lineTo(cx - 80, 450)
            path.closeSubpath()
            p.setPen(QPen(QColor("#7A2E2E"), 8))
            p.setBrush(QColor("#C9AE88"))
            p.drawPath(path)
        for _ in range(5000):  # pile
            p.setPen(QPen(QColor(90 + rng.randrange(60), 70 + rng.randrange(40), 50, 60), 2))
            x, y = rng.randrange(width), rng.randrange(height)
            p.drawLine(x, y, x + rng.randrange(-4, 5), y + rng.randrange(2, 7))
        patch = QRadialGradient(QPointF(560, 470), 170)
        patch.setColorAt(0, QColor("#E6DCCB"))
        patch.setColorAt(0.8, QColor("#D2C1A5"))
        patch.setColorAt(1, QColor(210, 193, 165, 0))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(patch))
        p.drawEllipse(QPointF(560, 470), 190, 150)
        for _ in range(900):  # frayed threads around the patch
            angle = rng.uniform(0, 6.283)
            radius = rng.uniform(120, 190)
            fx = 560 + radius * 1.15 * math.cos(angle)
            fy = 470 + radius * 0.9 * math.sin(angle)
            p.setPen(QPen(QColor(120 + rng.randrange(80), 95, 70, 150), 1.5))
            end = QPointF(fx + rng.uniform(-14, 14), fy + rng.uniform(-14, 14))
            p.drawLine(QPointF(fx, fy), end)
        body = QRadialGradient(QPointF(880, 300), 150, QPointF(840, 250))
        body.setColorAt(0, QColor("#5A5F66"))
        body.setColorAt(1, QColor("#1E2125"))
        p.setBrush(QColor(0, 0, 0, 80))
        p.drawEllipse(QPointF(892, 318), 150, 150)
        p.setBrush(QBrush(body))
        p.drawEllipse(QPointF(880, 300), 150, 150)
        p.setBrush(QColor("#3C8DDE"))
        p.drawEllipse(QPointF(880, 240), 14, 14)
        p.setPen(QPen(QColor("#9AA3AD"), 4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(760, 180, 240, 240), 30 * 16, 120 * 16)
    return image


def doorstep() -> QImage:
    """A courier's delivery photo: a parcel on the step of a black door, number 42."""
    width, height = 900, 1200
    with _photo(width, height, seed=5, grain=9000) as (image, p, _rng):
        wall = QLinearGradient(0, 0, width, 0)
        wall.setColorAt(0, QColor("#A0522D"))
        wall.setColorAt(1, QColor("#8B4513"))
        p.fillRect(image.rect(), QBrush(wall))
        p.setPen(QPen(QColor("#D8CFC4"), 4))
        for row, y in enumerate(range(0, 900, 44)):  # brick courses
            p.drawLine(0, y, width, y)
            for x in range(-60 if row % 2 else 0, width, 120):
                p.drawLine(x, y, x, y + 44)
        door = QLinearGradient(220, 0, 680, 0)
        door.setColorAt(0, QColor("#1B1B1D"))
        door.setColorAt(0.5, QColor("#2C2D31"))
        door.setColorAt(1, QColor("#151517"))
        p.setPen(QPen(QColor("#EDEBE6"), 18))
        p.setBrush(QBrush(door))
        p.drawRect(220, 90, 460, 780)
        p.setPen(QPen(QColor("#3A3B40"), 6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for top in (160, 480):
            p.drawRect(280, top, 150, 260)
            p.drawRect(470, top, 150, 260)
        p.setPen(QColor("#D4AF37"))
        p.setFont(QFont("DejaVu Serif", 48, QFont.Weight.Bold))
        p.drawText(QRectF(380, 100, 140, 60), Qt.AlignmentFlag.AlignCenter, "42")
        p.setBrush(QColor("#D4AF37"))
        p.drawEllipse(QPointF(630, 480), 12, 12)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#9C9A94"))
        p.drawRect(140, 870, 620, 70)
        p.setBrush(QColor("#6F6D68"))
        p.drawRect(0, 940, width, 260)
        p.setBrush(QColor(0, 0, 0, 90))
        p.drawRect(385, 760, 260, 120)
        p.setBrush(QColor("#B88A55"))
        p.drawRect(370, 700, 250, 170)
        p.setBrush(QColor("#CFA36B"))
        lid = QPainterPath()
        lid.moveTo(370, 700)
        lid.lineTo(420, 660)
        lid.lineTo(670, 660)
        lid.lineTo(620, 700)
        lid.closeSubpath()
        p.drawPath(lid)
        p.setBrush(QColor("#D9C9A3"))
        p.drawRect(470, 700, 50, 170)
        p.setBrush(QColor("#FAFAF7"))
        p.drawRect(390, 740, 70, 50)
    return image


PICTURES = {"receipt.jpg": receipt, "rug-damage.jpg": rug_damage, "doorstep.jpg": doorstep}


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        path = Path(FOLDER / name)
        quality = 78
        while True:
            draw().save(str(path), "JPEG", quality)  # type: ignore[call-overload]
            if path.stat().st_size < 100_000 or quality <= 40:
                break
            quality -= 6
        print(f"{path.name}: {path.stat().st_size // 1000} KB (quality {quality})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
