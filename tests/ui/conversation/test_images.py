"""Safe image decoding: limits before pixels, the real format from the bytes, scaled decode,
EXIF rotation, and every bad file a refusal (never an exception, never a hang)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.conversation.images import (
    MAX_IMAGE_BYTES,
    THUMB_EDGE,
    Refusal,
    decode_bytes,
    decode_image,
    fit_within,
)
from tests.helpers.attachments import bomb_png, encode, photo

pytestmark = pytest.mark.gui


def with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The JPEG with an EXIF block saying how the camera was held."""
    tiff = b"MM\x00*\x00\x00\x00\x08" + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    body = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def test_a_photo_is_decoded_scaled_to_the_thumbnail(qtbot: QtBot) -> None:
    decoded = decode_bytes(encode(photo(2000, 1500)))
    assert decoded.refusal is None and decoded.image is not None
    assert (decoded.width, decoded.height) == (2000, 1500)
    assert decoded.image.size().toTuple() == (THUMB_EDGE, 120)
    small = decode_bytes(encode(photo(40, 30), "PNG"))  # never enlarged
    assert small.image is not None and small.image.size().toTuple() == (40, 30)


def test_the_camera_orientation_is_applied(qtbot: QtBot) -> None:
    decoded = decode_bytes(with_orientation(encode(photo(400, 200)), 6))  # turned 90°
    assert decoded.image is not None
    assert decoded.image.width() < decoded.image.height()


def test_a_decompression_bomb_is_refused_from_its_header(qtbot: QtBot) -> None:
    decoded = decode_bytes(bomb_png(50_000, 50_000))
    assert decoded.refusal is Refusal.TOO_MANY_PIXELS and decoded.image is None
    assert (decoded.width, decoded.height) == (50_000, 50_000)
    strip = decode_bytes(bomb_png(20_000, 10))  # few pixels, but no picture is that long
    assert strip.refusal is Refusal.TOO_MANY_PIXELS


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (b"%PDF-1.4\n" + b"0" * 300, Refusal.NOT_AN_IMAGE),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y"/></svg>', None),
        (b"\x89PNG\r\n\x1a\n" + b"\x00junk" * 40, Refusal.DAMAGED),
        (b"", Refusal.DAMAGED),
    ],
)
def test_what_is_not_a_safe_picture_is_refused(
    qtbot: QtBot, data: bytes, refusal: Refusal | None
) -> None:
    decoded = decode_bytes(data)
    assert decoded.image is None
    assert decoded.refusal is (refusal or Refusal.NOT_AN_IMAGE)


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_truncated_picture_is_refused_not_half_shown(qtbot: QtBot, kind: str) -> None:
    data = encode(photo(600, 400), kind)
    decoded = decode_bytes(data[: len(data) // 2])
    assert decoded.refusal is Refusal.DAMAGED and decoded.image is None


def test_files_are_checked_before_they_are_read(qtbot: QtBot, tmp_path: Path) -> None:
    assert decode_image(tmp_path / "gone.jpg").refusal is Refusal.MISSING
    assert decode_image(tmp_path).refusal is Refusal.MISSING  # a folder
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as handle:  # sparse: nothing is written, nothing is read
        handle.truncate(MAX_IMAGE_BYTES + 1)
    assert decode_image(huge).refusal is Refusal.TOO_LARGE_FILE
    fine = tmp_path / "fine.png"
    fine.write_bytes(encode(photo(300, 300), "PNG"))
    assert decode_image(fine).image is not None


def test_fit_within_keeps_the_shape() -> None:
    assert fit_within(4000, 1000, 160).toTuple() == (160, 40)
    assert fit_within(1000, 4000, 160).toTuple() == (40, 160)
    assert fit_within(0, 0, 160).toTuple() == (160, 160)
