"""``crossdesk privacy export|erase CUSTOMER_ID``: a customer's data request from a script.

``export CUSTOMER_ID -o FILE.zip`` writes everything the workspace holds about the customer
(``customer.json``, ``customer.pdf``, ``attachments/``, ``manifest.json``); an existing file
is refused unless ``--force`` (an export must not silently replace an earlier one that
may already have been sent). ``erase CUSTOMER_ID --yes`` erases them for good: it records
an erasure request (or completes the one open for them), removes everything local and,
for a server workspace, queues the server's erasure for the next sync. CUSTOMER_ID is the
customer's id as the app shows it (``de-klaus-becker``). An unknown id is one line and
exit code 1; any other mistake one line and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from app.config.paths import Paths
from app.domain.data_requests import DataRequestError, RequestKind, RequestStatus
from app.ops import privacy, privacy_export
from app.ops.types import Store, StoreError
from app.ui.report.cli import command_parser

PROG = "crossdesk privacy"
UNKNOWN = 1  # exit code: no such customer in this workspace
MISTAKE = 2  # exit code: what the user asked cannot be done (as argparse)


class UsageError(Exception):
    """One line on stderr and an exit code."""

    def __init__(self, message: str, code: int = MISTAKE) -> None:
        super().__init__(message)
        self.code = code


def parser() -> argparse.ArgumentParser:
    root, after, sub = command_parser(
        PROG, "A customer's data request: export everything held about them, or erase them."
    )
    export = sub.add_parser(
        "export",
        help="write everything held about a customer to a zip (JSON, PDF, attachments)",
        description="Write everything this workspace holds about a customer to one zip file.",
        parents=[after],
    )
    export.add_argument("customer", metavar="CUSTOMER_ID", help="the customer's id in the app")
    export.add_argument(
        "-o", "--output", metavar="FILE.zip", type=Path, required=True, help="where to write"
    )
    export.add_argument("--force", action="store_true", help="replace an existing file")
    erase = sub.add_parser(
        "erase",
        help="erase a customer from this workspace (and the server, at the next sync)",
        description="Erase a customer for good: conversations, notes, attachments, and the"
        " translations and memory entries that carry their personal data.",
        parents=[after],
    )
    erase.add_argument("customer", metavar="CUSTOMER_ID", help="the customer's id in the app")
    erase.add_argument("--yes", action="store_true", help="confirm: the erasure cannot be undone")
    return root


def _customer(store: Store, text: str) -> int:
    customer_id = privacy.customer_by_uid(store, text.strip())
    if customer_id is None:
        shown = f"'{text[:60]}'" if text.isprintable() else repr(text[:60])  # no escapes
        raise UsageError(f"no customer {shown} in this workspace", UNKNOWN)
    return customer_id


def _open(args: argparse.Namespace, paths: Paths, now: int) -> Store:
    from app.ui.report.transcript_cli import open_workspace

    store = open_workspace(args, paths, now)
    if isinstance(store, str):
        raise UsageError(store)
    return store


def _check_output(path: Path, force: bool) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder; name a file to write")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.exists() and not force:
        raise UsageError(f"{path} exists; say --force to replace it")


def run_export(args: argparse.Namespace, paths: Paths) -> int:
    output: Path = args.output
    _check_output(output, args.force)
    now = int(time.time())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from app.ui.report.transcript_pdf import pdf_bytes, write_file

    _app = QGuiApplication.instance() or QGuiApplication([PROG])
    store = _open(args, paths, now)
    try:
        customer_id = _customer(store, args.customer)
        open_requests = [
            r
            for r in privacy.requests_for_customer(store, customer_id, now)
            if r.status is RequestStatus.OPEN and r.kind in (RequestKind.EXPORT, RequestKind.ACCESS)
        ]
        data = privacy_export.export_customer(
            store,
            customer_id,
            now,
            pdf_bytes,
            request_uid=open_requests[0].uid if open_requests else None,
        )
    finally:
        store.close()
    try:
        write_file(output, data)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"{output} ({len(data)} bytes)")
    return 0


def run_erase(args: argparse.Namespace, paths: Paths) -> int:
    if not args.yes:
        raise UsageError(
            f"erasing {args.customer[:60]!r} cannot be undone; say --yes to erase them"
        )
    from app.ops.culture import load_culture

    now = int(time.time())
    store = _open(args, paths, now)
    try:
        customer_id = _customer(store, args.customer)
        waiting = [
            r
            for r in privacy.requests_for_customer(store, customer_id, now)
            if r.status is RequestStatus.OPEN and r.kind is RequestKind.ERASE
        ]
        if waiting:
            request_uid = waiting[0].uid
        else:
            request_uid = privacy.open_request(
                store,
                load_culture(paths),
                customer_id,
                RequestKind.ERASE,
                now,
                "erased with crossdesk privacy erase",
            ).uid
        privacy.erase_customer(store, customer_id, request_uid, now)
        row = privacy.get_request(store, request_uid, now)
    finally:
        store.close()
    counts = row.counts if row else {}
    print(
        f"erased {args.customer[:60]}: {counts.get('conversations', 0)} conversation(s),"
        f" {counts.get('messages', 0)} message(s), {counts.get('attachments', 0)}"
        f" attachment(s); request {request_uid}"
    )
    if counts.get("server_requested"):
        print("the server is asked to erase them too at the next sync")
    return 0


def main(argv: list[str]) -> int:
    """Run one privacy command; its exit code."""
    args = parser().parse_args(argv)
    paths = Paths.resolve(args.data_dir)
    try:
        if args.command == "export":
            return run_export(args, paths)
        return run_erase(args, paths)
    except UsageError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except (DataRequestError, StoreError) as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return MISTAKE
