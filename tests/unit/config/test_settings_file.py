"""settings.json is read field by field: a bad value falls back to its default, is named,
and never stops CrossDesk from starting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.paths import Paths
from app.config.settings import (
    MAX_SETTINGS_BYTES,
    ServerWorkspace,
    Settings,
    load_settings,
    save_settings,
)
from app.sync.session import WorkspaceKind, choose_workspace

GOOD = {
    "ui_language": "zh_CN",
    "workspace": "https://crossdesk.example|li.wei",
    "agent_language": "zh",
    "workspace_agent_name": "李伟 Li Wei",
    "ca_bundle": None,
}


def _write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_wrongly_typed_workspace_falls_back_and_start_up_goes_on(tmp_path: Path) -> None:
    settings, warning = load_settings(_write(tmp_path, {"workspace": 5, "ui_language": "en"}))
    assert settings.workspace is None
    assert settings.ui_language == "en"  # the good field is kept
    assert warning is not None and "workspace" in warning and "5" in warning
    choice = choose_workspace(Paths(tmp_path / "data"), settings)
    assert choice.kind == "demo"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ui_language", 7),
        ("ui_language", "klingon"),
        ("ui_language", None),
        ("workspace", ["a", "b"]),
        ("workspace", {"url": "x"}),
        ("workspace", "x" * 5000),
        ("agent_language", False),
        ("agent_language", "zh; rm -rf"),
        ("workspace_agent_name", 3.5),
        ("workspace_agent_name", "a\x00b"),
        ("ca_bundle", 1),
    ],
)
def test_each_field_is_checked_on_its_own(tmp_path: Path, name: str, value: object) -> None:
    settings, warning = load_settings(_write(tmp_path, {**GOOD, name: value}))
    assert getattr(settings, name) == getattr(Settings(), name)
    assert warning is not None and name in warning and "default" in warning
    for other, good in GOOD.items():
        if other != name:  # (the workspace text is read into its typed form)
            assert getattr(settings, other) == getattr(Settings(**{other: good}), other)


def test_a_good_file_gives_no_warning(tmp_path: Path) -> None:
    settings, warning = load_settings(_write(tmp_path, GOOD))
    assert warning is None
    assert settings == Settings(**GOOD)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b"{not json", b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000],
)
def test_an_unreadable_file_gives_defaults_and_a_warning(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None and str(path) in warning


def test_an_oversized_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"workspace_agent_name": "x" * MAX_SETTINGS_BYTES}))
    settings, warning = load_settings(path)
    assert settings == Settings()
    assert warning is not None and "larger than" in warning


def test_the_old_url_agent_text_is_read_and_written_back_typed(tmp_path: Path) -> None:
    """settings.json from an earlier version keeps its server workspace (and the local
    store file it names); the next save writes the typed form."""
    path = _write(tmp_path, GOOD)
    settings, warning = load_settings(path)
    assert warning is None
    assert settings.workspace == ServerWorkspace("https://crossdesk.example", "li.wei")
    old = choose_workspace(Paths(tmp_path / "data"), settings)
    save_settings(path, settings)
    written = json.loads(path.read_text(encoding="utf-8"))["workspace"]
    assert written == {"server_url": "https://crossdesk.example", "agent_id": "li.wei"}
    again, _warning = load_settings(path)
    new = choose_workspace(Paths(tmp_path / "data"), again)
    assert new == old and new.kind is WorkspaceKind.SERVER
    assert (
        new.path.name
        == "server-"
        + __import__("hashlib").sha256(b"https://crossdesk.example|li.wei").hexdigest()[:16]
        + ".sqlite3"
    )


@pytest.mark.parametrize(
    "value", [{"server_url": "https://x"}, {"server_url": 1, "agent_id": "a"}, "no-bar"]
)
def test_an_unusable_workspace_opens_the_demo(tmp_path: Path, value: object) -> None:
    settings, _warning = load_settings(_write(tmp_path, {"workspace": value}))
    assert settings.workspace is None
    assert choose_workspace(Paths(tmp_path / "data"), settings).kind is WorkspaceKind.DEMO
