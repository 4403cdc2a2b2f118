"""Attachments: what a file is (from its bytes, not its name), and what CrossDesk accepts.

Customers send photos of damaged goods, receipts and screenshots; agents send labels and
invoices. Every file that enters the store, from the agent's disk or from the server,
passes :func:`inspect`: the type is sniffed from the magic bytes (``invoice.pdf.exe``
renamed ``invoice.pdf`` is refused), images have their size read from the header only
(a decompression bomb is refused before anything decodes it), and the name is made safe
to show and to save (:func:`safe_filename`). Pure Python, tested without Qt.
"""

from __future__ import annotations

import io
import json
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.domain.errors import LocalizedError

MIB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MIB  # per file, both ways (what mail and chat channels accept)
MAX_PER_MESSAGE = 10  # files on one message or draft
MAX_IMAGE_PIXELS = 40_000_000  # 40 MP: any phone photo; a decompression bomb is far more
MAX_IMAGE_SIDE = 16_384
MAX_FILENAME_CHARS = 120
SNIFF_BYTES = 64 * 1024  # enough for the headers (JPEG's may come after EXIF) and a text check
_ZIP_MAX_ENTRIES = 5_000  # an office document's directory; more is not a document


def N_(message: str) -> str:  # noqa: N802 - marks a msgid (the domain cannot import i18n)
    return message


class AttachmentState(StrEnum):
    """Where a file stands (the ``attachments.state`` column)."""

    DRAFT = "draft"  # on the composer's draft, not sent
    LOCAL = "local"  # on a message, the file here, not (yet) on the server
    UPLOADED = "uploaded"  # on the server too (``remote_id`` known)
    REMOTE = "remote"  # received: metadata here, the file fetched when needed
    REFUSED = "refused"  # refused (by the server, or a received file that failed checks)


IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
_OLE = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
_OLE[".ppt"] = "application/vnd.ms-powerpoint"
ALLOWED_TYPES = frozenset(
    IMAGE_TYPES
    | {"application/pdf", "text/plain", "text/csv", _DOCX, _XLSX, _PPTX}
    | _ODF
    | set(_OLE.values())
)


class AttachmentError(LocalizedError):
    """A file CrossDesk will not attach or show; the message names the file and the limit."""


def too_large(filename: str, size: int) -> AttachmentError:
    return AttachmentError(
        N_("{file} is {size} MB; attachments may be at most {limit} MB"),
        file=filename,
        size=f"{size / MIB:.1f}",
        limit=MAX_ATTACHMENT_BYTES // MIB,
    )


def too_many(count: int) -> AttachmentError:
    return AttachmentError(
        N_("A message can carry at most {limit} attachments ({count} chosen)"),
        limit=MAX_PER_MESSAGE,
        count=count,
    )


def unsupported(filename: str) -> AttachmentError:
    return AttachmentError(
        N_("{file} is not a type CrossDesk attaches (images, PDF, text, CSV and office documents)"),
        file=filename,
    )


def malformed(filename: str) -> AttachmentError:
    return AttachmentError(N_("{file} is damaged or not what its name says"), file=filename)


def too_many_pixels(filename: str, width: int, height: int) -> AttachmentError:
    return AttachmentError(
        N_("{file} is {width}×{height} pixels; images may have at most {limit} million"),
        file=filename,
        width=width,
        height=height,
        limit=MAX_IMAGE_PIXELS // 1_000_000,
    )


def larger_than_announced(filename: str) -> AttachmentError:
    return AttachmentError(
        N_("{file} is larger than the server announced; it was not kept"), file=filename
    )


def unreadable(filename: str) -> AttachmentError:
    return AttachmentError(N_("{file} cannot be read (moved, or not a file)"), file=filename)


def corrupted(filename: str) -> AttachmentError:
    return AttachmentError(
        N_("{file} arrived damaged (its content does not match its checksum)"), file=filename
    )


@dataclass(frozen=True, slots=True)
class Attachment:
    """One file on a message or on a draft, as the thread and composer show it.

    ``path``: the file on this computer, absolute, or None until a received file is
    fetched (:func:`app.ops.attachments.fetch`) or when it was refused.
    """

    id: int
    uid: str
    conversation_id: int
    message_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    state: AttachmentState
    refused_reason: str | None = None  # why, in English (logs); show :attr:`refusal`
    path: Path | None = None
    remote_id: str | None = None
    refused_template: str | None = None  # the reason as a msgid and its values, for the UI
    refused_params: tuple[tuple[str, str], ...] = ()

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def refusal(self) -> AttachmentError | None:
        """Why it was refused, for ``app.ui.shell.labels.localize`` (in the UI language; a
        server's own words stay as the server wrote them)."""
        if self.refused_template:
            return AttachmentError(self.refused_template, **dict(self.refused_params))
        if self.refused_reason:
            return AttachmentError("{reason}", reason=self.refused_reason)
        return None


def encode_reason(reason: AttachmentError | str) -> str:
    """How a refusal is stored: an error as its msgid and values (shown translated), a
    server's words as they are."""
    if isinstance(reason, str):
        return reason[:500]
    params = {key: str(value)[:200] for key, value in reason.params.items()}
    return json.dumps({"template": reason.template, "params": params}, ensure_ascii=False)


def decode_reason(stored: str) -> tuple[str, str | None, tuple[tuple[str, str], ...]]:
    """(English text, msgid or None, values) of a stored refusal."""
    if stored.startswith('{"template"'):
        try:
            data = json.loads(stored)
            template, params = str(data["template"]), dict(data["params"])
            return template.format(**params), template, tuple(sorted(params.items()))
        except (ValueError, KeyError, TypeError, IndexError):
            pass
    return stored, None, ()


@dataclass(frozen=True, slots=True)
class Kind:
    """What :func:`inspect` found: the real type and, for an image, its size."""

    content_type: str
    width: int | None = None
    height: int | None = None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f<>:\"|?*\\/]")
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def safe_filename(name: str, fallback: str = "attachment") -> str:
    """A name safe to show and to save: no folders, no control, direction or invisible
    characters, no Windows device names, at most :data:`MAX_FILENAME_CHARS` characters
    with the extension kept."""
    name = re.split(r"[\\/]", name.replace("\x00", ""))[-1]
    name = unicodedata.normalize("NFC", name)
    kept = "".join(
        "_" if _UNSAFE.match(ch) else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cn", "Zl", "Zp")
    )
    kept = kept.strip(" .")
    if not kept or kept.split(".")[0].lower() in _RESERVED:
        kept = f"{fallback}{Path(kept).suffix}" if kept else fallback
    if len(kept) > MAX_FILENAME_CHARS:
        stem, dot, ext = kept.rpartition(".")
        ext = ext[:16] if dot and stem else ""
        room = MAX_FILENAME_CHARS - len(ext) - (1 if ext else 0) - 1
        kept = f"{(stem if ext else kept)[:room]}…" + (f".{ext}" if ext else "")
    return kept


def inspect(head: bytes, filename: str, size: int, whole: bytes | None = None) -> Kind:
    """The file's real type from its first bytes (``head``, at least :data:`SNIFF_BYTES`
    if the file is that long); AttachmentError if it is too large, of a type not
    accepted, damaged, or an image with too many pixels. ``whole``: the file's bytes, for
    office documents (a ZIP is recognised by its directory, at the end)."""
    if size > MAX_ATTACHMENT_BYTES:
        raise too_large(filename, size)
    if size == 0:
        raise malformed(filename)
    image = _image_size(head, filename)
    if image is not None:
        content_type, width, height = image
        if width <= 0 or height <= 0 or max(width, height) > MAX_IMAGE_SIDE:
            raise too_many_pixels(filename, width, height)
        if width * height > MAX_IMAGE_PIXELS:
            raise too_many_pixels(filename, width, height)
        return Kind(content_type, width, height)
    if head.startswith(b"%PDF-"):
        return Kind("application/pdf")
    suffix = Path(filename).suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if suffix in _OLE:
            return Kind(_OLE[suffix])
        raise unsupported(filename)
    if head.startswith(b"PK\x03\x04"):
        return Kind(_zip_kind(whole if whole is not None else head, filename))
    if _is_text(head):
        return Kind("text/csv" if suffix == ".csv" else "text/plain")
    raise unsupported(filename)


def _image_size(head: bytes, filename: str) -> tuple[str, int, int] | None:
    """(type, width, height) of a PNG, JPEG, GIF or WebP, read from the header only."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            if head[12:16] != b"IHDR":
                raise malformed(filename)
            width, height = struct.unpack(">II", head[16:24])
            return "image/png", width, height
        if head[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", head[6:10])
            return "image/gif", width, height
        if head.startswith(b"\xff\xd8\xff"):
            return ("image/jpeg", *_jpeg_size(head, filename))
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return ("image/webp", *_webp_size(head, filename))
    except struct.error as error:
        raise malformed(filename) from error
    return None


_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_size(head: bytes, filename: str) -> tuple[int, int]:
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            raise malformed(filename)
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", head[at + 2 : at + 4])
        if length < 2:
            raise malformed(filename)
        if marker in _SOF:
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise malformed(filename)  # no frame header in the first bytes


def _webp_size(head: bytes, filename: str) -> tuple[int, int]:
    chunk = head[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    raise malformed(filename)


def _zip_kind(data: bytes, filename: str) -> str:
    """An OOXML or OpenDocument file, told by the names inside (not by the extension)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                raise malformed(filename)
            names = {info.filename for info in infos}
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in _ODF:
                    return declared
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError) as error:
        raise malformed(filename) from error
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", _DOCX), ("xl/", _XLSX), ("ppt/", _PPTX)):
            if any(name.startswith(prefix) for name in names):
                return kind
    raise unsupported(filename)


def _is_text(head: bytes) -> bool:
    """UTF-8 (or UTF-16 with its mark) text with no control characters but layout ones."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not just a character cut at the end
                return False
            text = head[: error.start].decode("utf-8")
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
