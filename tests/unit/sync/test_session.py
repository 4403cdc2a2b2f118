"""The Qt-free session: sign-out forgets the tokens whatever the network says."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from app.config.paths import Paths
from app.config.settings import ServerWorkspace, Settings
from app.sync import auth, session
from app.sync.session import WorkspaceKind
from tests.helpers.keychain import MemoryKeyring


def test_sign_out_offline_still_forgets_the_tokens(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with socket.socket() as probe:  # a port nobody listens on: the server is unreachable
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    auth.save(url, "li.wei", auth.Tokens("a", "r", int(time.time()) + 3600))
    settings = Settings(workspace=ServerWorkspace(url, "li.wei"))
    workspace = session.choose_workspace(Paths(tmp_path), settings)
    assert workspace.kind is WorkspaceKind.SERVER and memory_keyring.secrets
    session.sign_out(workspace)
    assert not memory_keyring.secrets
    assert auth.load(url, "li.wei") is None


def test_the_command_line_comes_first(tmp_path: Path) -> None:
    settings = Settings(workspace=ServerWorkspace("https://x.example", "a"))
    paths = Paths(tmp_path)
    chosen = session.choose_workspace(paths, settings, file=tmp_path / "w.sqlite3")
    assert chosen.kind is WorkspaceKind.FILE and chosen.display_name() == "w"
    assert session.choose_workspace(paths, settings, demo=True).kind is WorkspaceKind.DEMO
