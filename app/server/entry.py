"""The ``crossdesk-server`` command, safe on a desktop-only install.

The reference server needs the ``server`` extra (FastAPI, uvicorn, SQLAlchemy, argon2).
The console script is installed with every CrossDesk install, so it checks for them
before importing anything of the server and says what to install instead of failing
with an import traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

import app

SERVER_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "argon2")


def missing_modules() -> list[str]:
    """The server's libraries that this Python cannot import."""
    return [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]


def version_text() -> str:
    """``crossdesk-server 1.2.3 (sync contract 1.1)``: what a bug report starts with."""
    from app.contract.models import CONTRACT_VERSION

    return f"crossdesk-server {app.__version__} (sync contract {CONTRACT_VERSION})"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--version"], ["-V"]):  # answered without the server's libraries
        print(version_text())
        return 0
    missing = missing_modules()
    if missing:
        print(
            "crossdesk-server: the reference server is an optional part of CrossDesk and "
            f"its libraries are not installed ({', '.join(missing)}).\n"
            "Install them with:  pip install 'crossdesk[server]'  "
            "(from a clone: pip install -e '.[server]')",
            file=sys.stderr,
        )
        return 2
    from app.server.cli import main as run  # only once the libraries exist

    return run(argv)
