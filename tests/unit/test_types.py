"""The type checker is clean: ``pytest`` runs mypy as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every package of app/ is held clean: an empty tuple runs plain mypy on ``files`` from
# pyproject.toml (all of app/), so a new package is checked without being listed here.
CHECKED: tuple[str, ...] = ()


def mypy_command(packages: tuple[str, ...]) -> list[str]:
    """mypy on ``packages`` (errors in the modules they import are not reported), or on
    everything pyproject.toml names when ``packages`` is empty."""
    command = [sys.executable, "-m", "mypy"]
    if packages:
        command.append("--follow-imports=silent")
        for package in packages:
            command += ["-p", package]
    return command


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        mypy_command(CHECKED), cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_mypy_reports_a_type_error(tmp_path: Path) -> None:
    """The check can fail: mypy, configured as above, rejects a wrong return type and a
    function without annotations (``disallow_untyped_defs``)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f() -> int:\n    return 'x'\n\n\ndef g(x):\n    return x\n")
    result = subprocess.run(
        [*mypy_command(()), "--config-file", str(ROOT / "pyproject.toml"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Incompatible return value type (got "str", expected "int")' in result.stdout
    assert "bad.py:5: error: Function is missing a type annotation" in result.stdout
