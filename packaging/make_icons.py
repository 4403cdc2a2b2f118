"""Render the application icon for every platform from ``packaging/crossdesk.svg``.

Writes (all kept in the repository; rerun after changing the SVG):

* ``icons/hicolor/<N>x<N>/apps/io.crossdesk.CrossDesk.png`` for the freedesktop sizes,
* ``crossdesk.ico`` (Windows): 16, 24, 32, 48, 64, 128 and 256 pixels in one file,
* ``crossdesk.icns`` (macOS): 16 to 1024 pixels, including the @2x variants.

Qt draws the SVG (PySide6.QtSvg, no new dependency). Qt's ICO and ICNS writers store a
single image per file, so both containers are assembled here from PNG frames (the format
Windows Vista+ and macOS 10.7+ read); ``--check`` reads them back through Qt's readers.

Usage: python packaging/make_icons.py [--check]   (QT_QPA_PLATFORM=offscreen is set)
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "crossdesk.svg"
APP_ID = "io.crossdesk.CrossDesk"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (Apple's "icns" format).
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16@2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128@2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256@2x
    (b"ic10", 1024),  # 512@2x
)


def hicolor_png(size: int) -> Path:
    return HERE / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` pixels, transparent around the rounded square."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, b"PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    return bytes(data.data())


def ico(frames: dict[int, bytes]) -> bytes:
    """An ICO file of PNG frames (ICONDIR, one ICONDIRENTRY per frame, the PNGs)."""
    header = struct.pack("<HHH", 0, 1, len(frames))
    offset = len(header) + 16 * len(frames)
    entries, blobs = b"", b""
    for size, png in sorted(frames.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(frames: dict[int, bytes]) -> bytes:
    body = b"".join(
        kind + struct.pack(">I", 8 + len(frames[size])) + frames[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def read_sizes(path: Path) -> list[tuple[int, int]]:
    """Every image's size in an icon file, read by Qt (what the OS loaders also accept)."""
    reader = QImageReader(str(path))
    sizes = []
    for index in range(max(reader.imageCount(), 1)):
        if index and not reader.jumpToImage(index):
            break
        image = reader.read()
        if image.isNull():
            raise RuntimeError(f"{path.name}: image {index} unreadable: {reader.errorString()}")
        sizes.append((image.width(), image.height()))
    return sizes


def main(argv: list[str]) -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons.py: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    if "--check" not in argv:
        frames = {
            size: png_bytes(render(renderer, size))
            for size in {*HICOLOR_SIZES, *ICO_SIZES, *(s for _k, s in ICNS_TYPES)}
        }
        for size in HICOLOR_SIZES:
            hicolor_png(size).parent.mkdir(parents=True, exist_ok=True)
            hicolor_png(size).write_bytes(frames[size])
        (HERE / "crossdesk.ico").write_bytes(ico({s: frames[s] for s in ICO_SIZES}))
        (HERE / "crossdesk.icns").write_bytes(icns(frames))
    print("crossdesk.ico:", read_sizes(HERE / "crossdesk.ico"))
    print("crossdesk.icns:", read_sizes(HERE / "crossdesk.icns"))
    for size in HICOLOR_SIZES:
        print(hicolor_png(size).relative_to(HERE), read_sizes(hicolor_png(size)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
