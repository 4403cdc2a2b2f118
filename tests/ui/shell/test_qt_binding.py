"""Guard against a broken Qt binding release sneaking in with a lock-file update.

PySide6 6.12.0 drops a reference to None on every void method call on CPython
3.11; a few thousand calls later the interpreter aborts (see pyproject.toml).

Two guards: the installed binding is one pyproject.toml accepts (every Python), and the
behaviour itself is measured where it can be seen and can hurt: on CPython 3.11. From
3.12 None is immortal (PEP 683), so its reference count is a constant that no binding
can change, and the same bug can no longer crash the interpreter.
"""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument

ROOT = Path(__file__).resolve().parents[3]


def _qt_requirement() -> Requirement:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"] if r.startswith("PySide6")]
    assert len(found) == 1, found
    return found[0]


def test_the_installed_binding_is_one_the_project_accepts() -> None:
    requirement = _qt_requirement()
    assert "6.12.0" not in requirement.specifier  # the known bad release stays excluded
    installed = version(requirement.name)
    assert installed in requirement.specifier, f"{requirement.name} {installed}"


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None is immortal from CPython 3.12 (PEP 683): its count cannot drop or be seen",
)
def test_void_qt_calls_keep_none_alive() -> None:
    document = QTextDocument()
    cursor = QTextCursor(document)
    fmt = QTextCharFormat()
    before = sys.getrefcount(None)
    for _ in range(2000):
        fmt.setFontPointSize(10.0)
        cursor.insertText("x", fmt)
    assert sys.getrefcount(None) >= before - 50
