"""Files for attachment tests without Qt: real PNGs, JPEG headers, office documents."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def png(width: int, height: int) -> bytes:
    """A real (decodable) PNG of ``width`` x ``height`` grey pixels, or only its header
    when it would be too large to build."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    if width * height > 1_000_000:
        return b"\x89PNG\r\n\x1a\n" + header
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's markers up to its frame header (what a type and size check reads)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def office(folder: str) -> bytes:
    """A ZIP laid out like an OOXML document (``word``, ``xl``, ``ppt``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<doc/>")
    return out.getvalue()
