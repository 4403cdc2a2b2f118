"""Export…: everything held about a customer in one zip (``customer.json``, the readable
``customer.pdf``, their attachments, a manifest), written beside its destination and
renamed over it, so a failed export never leaves half a file or destroys an earlier one.

The archive is built by :func:`app.ops.privacy_export.export_customer` on the store lane,
but its PDF is laid out on the UI thread, as the transcript export does: Qt's text layout
starts timers, which a plain worker thread has no event loop for. So it takes two trips:
the first reads the readable page (and stops there), the UI lays it out, the second
builds the archive with that PDF, at the same moment, and checks it is for the same page
(if the customer's data changed in between, the agent is asked to export again).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from app.domain.data_requests import DataRequestError
from app.domain.errors import N_
from app.ops import privacy_export
from app.ops.context import AppContext
from app.ops.types import Store
from app.ui.report.transcript_pdf import pdf_bytes, write_file


class _Page(Exception):  # noqa: N818 - not an error: the page, carried out of the first trip
    def __init__(self, page: str, title: str) -> None:
        super().__init__("readable page")
        self.page, self.title = page, title


def _stop(page: str, title: str) -> bytes:
    raise _Page(page, title)


def export_customer_file(
    ctx: AppContext,
    customer_id: int,
    request_uid: str,
    path: Path,
    done: Callable[[int], None],
    failed: Callable[[BaseException], None],
    owner: QObject,
) -> None:
    """Write the customer's archive to ``path``; ``done`` gets its size in bytes."""
    gettext, now = ctx.i18n._, ctx.clock()

    def read_page(store: Store) -> tuple[str, str]:
        try:
            privacy_export.export_customer(store, customer_id, now, _stop, gettext=gettext)
        except _Page as page:
            return page.page, page.title
        raise DataRequestError(N_("The export has no readable copy."))

    def lay_out(found: tuple[str, str]) -> None:
        page, title = found
        try:
            pdf = pdf_bytes(page, title)
        except (RuntimeError, ValueError) as error:
            failed(error)
            return

        def same_page(again: str, _title: str) -> bytes:
            if again != page:
                raise DataRequestError(
                    N_("The customer's data changed during the export: export again.")
                )
            return pdf

        def build(store: Store) -> int:
            data = privacy_export.export_customer(
                store, customer_id, now, same_page, gettext=gettext, request_uid=request_uid
            )
            if path.is_dir():
                raise IsADirectoryError(21, gettext("This is a folder"), str(path))
            write_file(path, data)
            return len(data)

        ctx.tasks.run_store(build, done, failed, owner=owner)

    ctx.tasks.run_store(read_page, lay_out, failed, owner=owner)
