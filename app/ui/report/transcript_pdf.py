"""A transcript written to PDF with Qt's own writer, or to HTML.

The PDF is the HTML page laid out by a QTextDocument (fonts from the system: Noto CJK and
Arabic when installed) and printed through QPdfWriter into memory; the file is then written
beside its destination and renamed over it, so a failed export never leaves half a file
or destroys an earlier one. Needs a QGuiApplication (offscreen is enough).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.i18n import I18n
from app.ops.transcript import Transcript
from app.ui.report.transcript_html import render_html

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")


def pdf_bytes(page: str, title: str) -> bytes:
    """The HTML ``page`` as an A4 PDF."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("CrossDesk")
    writer.setResolution(144)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(page)
    document.print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def render(transcript: Transcript, i18n: I18n, fmt: Format) -> bytes:
    """The transcript's file contents in ``fmt``."""
    page = render_html(transcript, i18n)
    if fmt == "html":
        return page.encode("utf-8")
    title = i18n._("Transcript: {subject}").format(subject=transcript.subject or transcript.uid)
    return pdf_bytes(page, title)


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (OSError names what failed)."""
    folder = path.parent if str(path.parent) else Path()
    handle, temporary = tempfile.mkstemp(prefix=".crossdesk-", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export(transcript: Transcript, i18n: I18n, fmt: Format, path: Path) -> int:
    """Render and write; the number of bytes written."""
    data = render(transcript, i18n, fmt)
    write_file(path, data)
    return len(data)
