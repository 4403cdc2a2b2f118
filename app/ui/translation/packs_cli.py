"""``crossdesk packs install FILE…`` and ``crossdesk packs list``: language packs for IT
scripts and machine images, without a window.

``install`` runs each file through the same operation as the pack manager's "Install from
file…" (:func:`app.ops.packs.install_file`: checked entry by entry, unpacked to a staging
folder, proven to translate, swapped in), into the data folder of the user running it
(``--data-dir`` or ``$CROSSDESK_DATA_DIR`` for another one). A file that is refused is one
line on stderr naming it; the others still install; the exit code is then 1.

``list`` prints the packs the app will use: the user's own and those of the machine-wide
folder (``$CROSSDESK_SYSTEM_PACKS``, else ``packs`` in the OS's shared data folder), which
IT pre-seeds with unpacked packs and CrossDesk never changes. A user's pack of the same
pair wins over the machine-wide one.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from app.config.paths import Paths, resources_dir
from app.ops import packs as pack_ops
from app.ops.translation import TranslationService
from app.translation.api import ArgosHome, PackError, PackInfo
from app.ui.report.cli import command_parser

PROG = "crossdesk packs"
MAX_FILES = 200  # one command line; a machine image carries a few dozen pairs at most


def parser() -> argparse.ArgumentParser:
    root, after, sub = command_parser(PROG, "Language packs: install from files, list.")
    install = sub.add_parser(
        "install",
        help="install or upgrade language packs from .argosmodel files",
        description="Check and install each pack file (replacing its pair's older version).",
        parents=[after],
    )
    install.add_argument("files", nargs="+", type=Path, metavar="FILE")
    listing = sub.add_parser(
        "list",
        help="list the installed packs (the user's and the machine-wide ones)",
        description="List the language packs CrossDesk will use, and where they are.",
        parents=[after],
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    return root


def _service(paths: Paths) -> TranslationService:
    return TranslationService(
        ArgosHome(paths.argos_home), resources_dir() / "translation" / "protected.yaml"
    )


def _describe(pack: PackInfo) -> str:
    where = "machine-wide" if pack.system else "user"
    return f"{pack.from_code}→{pack.to_code}\t{pack.version}\t{where}\t{pack.folder}"


def run_install(args: argparse.Namespace, service: TranslationService) -> int:
    files: list[Path] = args.files
    if len(files) > MAX_FILES:
        print(f"{PROG} install: at most {MAX_FILES} files at a time", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        try:
            pack = pack_ops.install_file(
                service, path, progress=lambda _share: None, cancel=threading.Event()
            )
        except PackError as exc:
            failed += 1
            message = str(exc)
            if path.name not in message:  # every refusal names the file it is about
                message = f"{path}: {message}"
            print(f"{PROG} install: {message}", file=sys.stderr)
            continue
        except OSError as exc:  # e.g. the data folder is not writable
            failed += 1
            print(f"{PROG} install: {path}: {exc.strerror or exc}", file=sys.stderr)
            continue
        print(f"installed {_describe(pack)}")
    if failed:
        print(f"{failed} of {len(files)} file(s) not installed", file=sys.stderr)
    return 1 if failed else 0


def run_list(args: argparse.Namespace, service: TranslationService) -> int:
    packs = pack_ops.installed(service)
    home = service.home
    system = str(home.system) if home.system is not None else None
    if args.json:
        items = [
            {
                "from": p.from_code,
                "to": p.to_code,
                "from_name": p.from_name,
                "to_name": p.to_name,
                "version": p.version,
                "where": "machine-wide" if p.system else "user",
                "folder": str(p.folder),
                "size_bytes": p.size_bytes,
            }
            for p in packs
        ]
        folders = {"user": str(home.packages), "machine_wide": system}
        print(json.dumps({"packs": items, "folders": folders}, ensure_ascii=False))
        return 0
    for pack in packs:
        print(_describe(pack))
    if not packs:
        print("No language pack is installed.")
    print(f"(user packs: {home.packages}; machine-wide packs: {system or 'none'})")
    return 0


def main(argv: list[str]) -> int:
    """Run one packs command; its exit code (1: a file was refused; 2: a usage mistake)."""
    args = parser().parse_args(argv)
    service = _service(Paths.resolve(args.data_dir))
    if args.command == "install":
        return run_install(args, service)
    return run_list(args, service)
