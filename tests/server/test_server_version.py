"""``crossdesk-server --version``: answered on every install, even without the server extra."""

from __future__ import annotations

import subprocess
import sys

import pytest

import app
from app.contract.models import CONTRACT_VERSION
from app.server import entry
from app.server.cli import build_parser

EXPECTED = f"crossdesk-server {app.__version__} (sync contract {CONTRACT_VERSION})"


def test_version_as_the_command_prints_it() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "app.server", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, EXPECTED + "\n", "")


def test_version_needs_none_of_the_server_libraries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(entry, "missing_modules", lambda: ["fastapi", "uvicorn"])
    assert entry.main(["--version"]) == 0
    assert entry.main(["-V"]) == 0
    assert capsys.readouterr().out == f"{EXPECTED}\n{EXPECTED}\n"
    assert entry.main(["--port", "8000"]) == 2  # anything else still says what to install
    assert "pip install 'crossdesk[server]'" in capsys.readouterr().err


def test_version_after_other_options_and_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--port", "8001", "--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == EXPECTED + "\n"
    assert "--version" in build_parser().format_help()
