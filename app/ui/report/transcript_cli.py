"""``crossdesk report transcript ID --format pdf|html [--redact] -o FILE``.

Opens the workspace the window would open (``--demo``, ``--workspace FILE``, else the
configured one), builds the transcript on this thread (no window, no task lanes) and
writes it. A user's mistake (unknown ID, a folder that cannot be written, a missing
workspace) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import cast

from app.config.paths import Paths, resources_dir
from app.config.settings import load_settings
from app.i18n import I18n
from app.ops import inbox, transcript, workspace_keys
from app.ops.demo import load_demo_into
from app.ops.translation import TranslationService
from app.ops.types import Store, StoreError
from app.sync.session import WorkspaceKind, choose_workspace
from app.translation.api import ArgosHome

PROG = "crossdesk report transcript"
MAX_ID_LENGTH = 200
HELP = "write a conversation's transcript (bilingual, with annotations) to PDF or HTML"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the conversation's id, e.g. br-0001")
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("pdf", "html"),
        help="file format (default: from the output file's extension)",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="replace names, e-mail addresses, phone, card and IBAN numbers by labels",
    )
    parser.add_argument(
        "--redact-orders", action="store_true", help="with --redact: order numbers too"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=Path, required=True, help="where to write"
    )


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def open_store(args: argparse.Namespace, paths: Paths, now: int) -> Store:
    """The workspace the window would open; StoreError or FileNotFoundError if it cannot."""
    settings, _warning = load_settings(paths.settings_file)
    choice = choose_workspace(paths, settings, file=args.workspace, demo=args.demo)
    if choice.kind is WorkspaceKind.FILE and not choice.path.is_file():
        raise FileNotFoundError(choice.path)
    if choice.kind is not WorkspaceKind.FILE:
        choice.path.parent.mkdir(parents=True, exist_ok=True)
    key = workspace_keys.script_key(choice.path)  # an encrypted workspace: its key
    store = Store.open(choice.path, create=choice.kind is not WorkspaceKind.FILE, key=key)
    if choice.kind is WorkspaceKind.DEMO:
        load_demo_into(store, resources_dir() / "demo", now)
    return store


def open_workspace(args: argparse.Namespace, paths: Paths, now: int) -> Store | str:
    """The workspace the window would open, or the one line that says why it cannot be."""
    try:
        return open_store(args, paths, now)
    except FileNotFoundError as exc:
        return f"no workspace file at {exc.args[0]}"
    except workspace_keys.NeedsPassphraseError as exc:
        settings, _warning = load_settings(paths.settings_file)
        choice = choose_workspace(paths, settings, file=args.workspace, demo=args.demo)
        return workspace_keys.script_hint(choice.path, exc)
    except (StoreError, OSError) as exc:
        return f"cannot open the workspace: {exc}"


def _agent_language(setting: str, i18n: I18n) -> str:
    """The language translations are shown in: the setting, else the report's language."""
    return setting if setting not in ("", "auto") else i18n.ui_locale.replace("_", "-")


def run(args: argparse.Namespace) -> int:
    """Build and write the transcript; 0, or 2 with one line saying what to fix."""
    import time

    from app.ui.shell.locale import make_i18n

    fmt = args.fmt or args.output.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html"):
        return _fail("say --format pdf or --format html (or name the file .pdf or .html)")
    if len(args.id) > MAX_ID_LENGTH or not args.id.isprintable():
        return _fail("that is not a conversation id (like br-0001)")
    output: Path = args.output
    if output.is_dir():
        return _fail(f"{output} is a folder; name a file to write")
    if not output.parent.is_dir():
        return _fail(f"cannot write {output}: the folder {output.parent} does not exist")
    paths = Paths.resolve(args.data_dir)
    settings, _warning = load_settings(paths.settings_file)
    i18n: I18n = make_i18n(args.lang or settings.ui_language)
    now = int(time.time())
    store = open_workspace(args, paths, now)
    if isinstance(store, str):
        return _fail(store)
    try:
        conversation_id = inbox.find_conversation(store, args.id)
        if conversation_id is None:
            return _fail(f"no conversation '{args.id}' in this workspace")
        service = TranslationService(
            ArgosHome(paths.argos_home), resources_dir() / "translation" / "protected.yaml"
        )
        service.load_team_data(store)
        document = transcript.build(
            store,
            conversation_id,
            i18n,
            agent_language=_agent_language(settings.agent_language, i18n),
            redact=args.redact,
            redact_orders=args.redact_orders,
            translation=service,
        )
    finally:
        store.close()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from app.ui.report.transcript_pdf import Format, export

    _app = QGuiApplication.instance() or QGuiApplication([PROG])
    try:
        size = export(document, i18n, cast(Format, fmt), output)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    print(f"{output} ({size} bytes)")
    return 0
