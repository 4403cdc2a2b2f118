"""crossdesk-server's subcommands, its errors, and the demo workspace."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.contract.demo_schema import load_demo
from app.server import db
from app.server.cli import main
from app.server.config import ServerConfig
from app.server.db import Database
from app.server.demo import DEMO_PASSWORD, demo_admin_token, demo_folder, load_demo_into
from tests.contract.client import Api, expect_problem
from tests.contract.server import RunningServer

ROOT = Path(__file__).resolve().parents[2]


def test_create_account_and_token_then_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret pass\n"))
    assert main(["create-account", "--data-dir", data, "--id", "ana.lima", "--name", "Ana",
                 "--password-stdin", "--role", "lead"]) == 0  # fmt: skip
    assert main(["create-token", "--data-dir", data, "--id", "ana.lima"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("cdk_")
    server = RunningServer(ServerConfig(data_dir=Path(data))).start()
    client = Api(server.base_url, token)
    try:
        me = client.get("/v1/me").json()
        assert me["agent"] == {"id": "ana.lima", "name": "Ana", "locale": "en", "languages": [],
                               "roles": ["lead"], "teams": [], "regions": []}  # fmt: skip
        body = {"grant_type": "password", "username": "ana.lima", "password": "s3cret pass"}
        assert client.with_token(None).post("/v1/auth/token", body, key=None).status_code == 200
    finally:
        client.close()
        server.stop()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["create-account", "--id", "x y", "--name", "N", "--password", "p"], "not a valid id"),
        (["create-account", "--id", "a", "--name", "N", "--password", ""], "password is empty"),
        (["create-token", "--id", "nobody"], "no account 'nobody'"),
        (["--database-url", "mysql://x/y", "load-demo"], "SQLite"),
        (["create-token", "--id", "a", "--database-url", "nonsense"], "not a database URL"),
        (["--workers", "2"], "--workers above 1 needs PostgreSQL"),
        (["--workers", "0"], "--workers must be between 1 and 32"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    if "--database-url" not in argv:
        argv = [*argv, "--data-dir", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_duplicate_accounts_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["create-account", "--data-dir", str(tmp_path), "--id", "a", "--name", "A",
            "--password", "p"]  # fmt: skip
    assert main(argv) == 0
    assert main(argv) == 2
    assert "already exists" in capsys.readouterr().err


def test_the_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.server", "--port", "0", "--data-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--port 0 is not a TCP port" in result.stderr
    assert "Traceback" not in result.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "app.server", "create-account", "--data-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert usage.returncode == 2
    assert "required" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_demo_loads_once_with_accounts_and_conversations(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path)
    database = Database(config.database())
    database.create_schema()
    first = load_demo_into(database, config)
    second = load_demo_into(database, config)
    assert (first.loaded, second.loaded) == (True, False)
    demo = load_demo(demo_folder())
    with database.read() as conn:
        conversations = conn.execute(select(func.count()).select_from(db.conversations)).scalar()
        messages = conn.execute(select(func.count()).select_from(db.messages)).scalar()
        roles = dict(conn.execute(select(db.accounts.c.id, db.accounts.c.roles)).all())
    assert conversations == len(demo.conversations)
    assert messages == sum(len(c.messages) for c in demo.conversations)
    assert roles["li.wei"] == ["agent", "lead"]  # resources/demo/workspace.yaml
    assert "lead" in roles["liu.yang"]
    assert roles["chen.jing"] == ["agent"]
    database.dispose()


def test_demo_server_speaks_the_contract(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path)
    server = RunningServer(config).start()
    try:
        load_demo_into(server.state.db, config)
        first_token = demo_admin_token(server.state.db, config)
        token = demo_admin_token(server.state.db, config)  # a restart prints a new one
        admin = Api(server.base_url, token)
        expect_problem(admin.with_token(first_token).get("/v1/me"), 401, "unauthorized")
        body = {"grant_type": "password", "username": "li.wei", "password": DEMO_PASSWORD}
        signed = admin.with_token(None).post("/v1/auth/token", body, key=None)
        assert signed.status_code == 200
        items, _, _ = admin.drain("conversations")
        assert len(items) == len(load_demo(demo_folder()).conversations)
        snoozed = [c for c in items if c["status"] == "snoozed"]
        assert all(c["snoozed_until"] for c in snoozed)
        one = items[0]
        messages = admin.get(f"/v1/conversations/{one['id']}/messages").json()["items"]
        assert [m["seq"] for m in messages] == list(range(1, one["last_message_seq"] + 1))
        assert messages[0]["id"] == f"{one['id']}-1"
        admin.close()
    finally:
        server.stop()


def test_the_server_command_without_the_server_extra_says_what_to_install() -> None:
    """A desktop-only install has the console script but not FastAPI/SQLAlchemy: it must
    say what to install, not crash with an import traceback."""
    script = """
import importlib.util
real = importlib.util.find_spec
hidden = ("sqlalchemy", "fastapi")
importlib.util.find_spec = lambda name, *a: None if name in hidden else real(name, *a)
from app.server.entry import main
raise SystemExit(main(["--help"]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "pip install 'crossdesk[server]'" in done.stderr
    assert "fastapi, sqlalchemy" in done.stderr
    assert "Traceback" not in done.stderr
