"""The architecture holds: only app.ui imports Qt, and layers import only downwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]) are kept."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Only app.ui imports Qt KEPT" in result.stdout
    assert "Layers: ui above operations above storage above domain KEPT" in result.stdout
    assert "The reference server and the client share only the contract KEPT" in result.stdout
    assert "The client never imports the reference server KEPT" in result.stdout
    assert "The UI reaches the store only through the operations KEPT" in result.stdout
    assert (
        "The UI reaches translation and sync only through their API modules KEPT" in result.stdout
    )


def test_ui_importing_translation_or_sync_internals_breaks_a_contract(tmp_path: Path) -> None:
    """The API contract can fail: its allowed doors (``ignore_imports``) let through
    ``app.translation.api``, ``app.sync.api`` and ``app.sync.session``, nothing else."""
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    labels = tmp_path / "app" / "ui" / "shell" / "labels.py"
    labels.write_text(
        labels.read_text(encoding="utf-8")
        + "from app.translation.api import primary  # noqa: E402\n"
        + "from app.translation.pipeline import Provenance  # noqa: E402\n"
        + "from app.sync.client import ServerClient  # noqa: E402\n",
        encoding="utf-8",
    )
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "app.ui.shell.labels -> app.translation.pipeline" in result.stdout
    assert "app.ui.shell.labels -> app.sync.client" in result.stdout
    assert "app.ui.shell.labels -> app.translation.api" not in result.stdout


@pytest.mark.parametrize(
    "module",
    [
        "app.domain.models",
        "app.storage.store",
        "app.ops.inbox",
        "app.ops.demo",
        "app.contract.demo_schema",
        "app.i18n",
        "app.translation.engine",
        "app.ops.translation",
    ],
)
def test_lower_layers_load_without_qt(module: str) -> None:
    """Importing a lower layer (including anything it imports lazily at import time)
    leaves PySide6 unloaded: these layers run in CLI tools and on servers."""
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


MAX_LINES = 500  # the project's rule: a longer module is split by responsibility


def test_no_module_grows_past_500_lines() -> None:
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "app").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long


def test_heavy_translation_libraries_load_only_when_translating() -> None:
    """Start-up stays fast: argostranslate, CTranslate2, ONNX Runtime and lingua are imported
    on the compute lane the first time something is translated, not with the window."""
    code = (
        "import sys, app.ui.shell.application; "
        "heavy = [m for m in ('argostranslate', 'ctranslate2', 'onnxruntime', 'lingua',"
        " 'pydantic', 'pyqtgraph', 'numpy') if m in sys.modules]; print(heavy);"
        " sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
