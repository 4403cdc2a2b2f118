"""What a file is, from its bytes: types, image sizes from headers, limits, safe names."""

from __future__ import annotations

import struct

import pytest

from app.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_FILENAME_CHARS,
    AttachmentError,
    inspect,
    safe_filename,
)
from tests.helpers.attachment_files import jpeg, office, png


def check(data: bytes, name: str) -> tuple[str, int | None, int | None]:
    kind = inspect(data[:65536], name, len(data), whole=data)
    return kind.content_type, kind.width, kind.height


def test_images_are_recognised_by_their_bytes_with_their_size_from_the_header() -> None:
    assert check(png(3, 2), "photo.png") == ("image/png", 3, 2)
    assert check(jpeg(640, 480), "IMG_0001.JPG") == ("image/jpeg", 640, 480)
    gif = b"GIF89a" + struct.pack("<HH", 10, 20) + b"\x00" * 10
    assert check(gif, "a.gif") == ("image/gif", 10, 20)
    webp = b"RIFF" + b"\x00" * 4 + b"WEBPVP8X" + b"\x00" * 8 + (99).to_bytes(3, "little")
    webp += (49).to_bytes(3, "little")
    assert check(webp, "a.webp") == ("image/webp", 100, 50)
    # the name does not decide: a PNG called .jpg is a PNG
    assert check(png(1, 1), "photo.jpg")[0] == "image/png"


def test_documents_are_recognised_by_their_bytes() -> None:
    assert check(b"%PDF-1.7\n...", "invoice.pdf")[0] == "application/pdf"
    assert check(office("word"), "letter.docx")[0].endswith("wordprocessingml.document")
    assert check(office("xl"), "orders.bin")[0].endswith("spreadsheetml.sheet")
    assert check(b"Order 123, 2 items\n", "orders.csv")[0] == "text/csv"
    assert check("注文番号 4711 について\n".encode(), "note.txt")[0] == "text/plain"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "invoice.pdf"),  # a program renamed
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "label.png"),
        (b"PK\x03\x04" + b"\x00" * 100, "archive.docx"),  # not a real ZIP
        (office("evil"), "archive.zip"),  # a ZIP that is no office document
    ],
)
def test_other_or_disguised_files_are_refused_naming_the_file(data: bytes, name: str) -> None:
    with pytest.raises(AttachmentError) as refused:
        check(data, name)
    assert name in str(refused.value)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = png(100_000, 100_000)  # a few dozen bytes that would decode to 10 GB
    with pytest.raises(AttachmentError, match=r"bomb\.png is 100000×100000 pixels.*40 million"):
        check(bomb, "bomb.png")
    with pytest.raises(AttachmentError, match="pixels"):
        check(jpeg(0, 10), "zero.jpg")


def test_damaged_images_are_refused() -> None:
    with pytest.raises(AttachmentError, match="damaged"):
        check(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4, "cut.png")
    with pytest.raises(AttachmentError, match="damaged"):
        check(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 4, "cut.jpg")  # no frame header


def test_the_size_limit_names_the_file_and_the_limit() -> None:
    with pytest.raises(AttachmentError) as refused:
        inspect(b"%PDF-", "scan.pdf", MAX_ATTACHMENT_BYTES + 1)
    assert str(refused.value) == "scan.pdf is 20.0 MB; attachments may be at most 20 MB"
    assert refused.value.params["file"] == "scan.pdf"  # the UI translates the template


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\label.pdf", "label.pdf"),
        ("Invoice\u202efdp.exe", "Invoicefdp.exe"),  # no right-to-left override
        ("a\x00b\nc.txt", "abc.txt"),
        ("CON.txt", "attachment.txt"),
        ("..", "attachment"),
        ("", "attachment"),
        ("a:b*c?.png", "a_b_c_.png"),
    ],
)
def test_names_are_made_safe_to_show_and_to_save(given: str, kept: str) -> None:
    assert safe_filename(given) == kept


def test_long_names_are_bounded_and_keep_their_extension() -> None:
    kept = safe_filename("x" * 5000 + ".jpeg")
    assert len(kept) <= MAX_FILENAME_CHARS and kept.endswith("….jpeg")
