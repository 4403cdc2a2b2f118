"""The README's Deployment commands, run as written against a throwaway PostgreSQL.

Only what a test cannot own is substituted: the database address (the README's
``db.internal`` becomes the test cluster's socket), the listening port (a free one) and,
for the PostgreSQL client tools, their folder and the superuser who stands in for
``sudo -u postgres``. Everything else runs verbatim through bash.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.contract.postgres import PostgresCluster
from tests.server.server_processes import ROOT, free_port

README_URL = "postgresql+psycopg://crossdesk:secret@db.internal/crossdesk"
README_LIBPQ = "postgresql://crossdesk:secret@db.internal/"


def _deployment_blocks() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Deployment\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.+?)\n```", section, re.S)]


class Shell:
    """Runs README lines with the test's database, port and tools put in."""

    def __init__(self, cluster: PostgresCluster, tmp: Path) -> None:
        self.cluster, self.tmp = cluster, tmp
        self.url = cluster.create_database("deploy")
        self.dbname = self.url.split("@/", 1)[1].split("?")[0]
        self.port = free_port()

    def libpq(self, dbname: str) -> str:
        return f"postgresql://postgres@/{dbname}?host={self.cluster.socket_dir}&port={self.cluster.port}"

    def rewrite(self, line: str) -> str:
        line = line.replace(README_URL, shlex.quote(self.url))  # it holds an "&"
        line = re.sub(
            re.escape(README_LIBPQ) + r"(\w+)",
            lambda m: self.libpq(self.dbname if m.group(1) == "crossdesk" else m.group(1)),
            line,
        )
        line = line.replace("--port 8765", f"--port {self.port}")
        line = line.replace("crossdesk-server", f"{sys.executable} -m app.server")
        bin_dir = self.cluster.bin_dir
        sock = f"-h {self.cluster.socket_dir} -p {self.cluster.port} -U postgres"
        line = line.replace("sudo -u postgres createdb", f"{bin_dir}/createdb {sock}")
        for tool in ("pg_dump", "pg_restore", "psql"):
            line = re.sub(rf"^{tool} ", f"{bin_dir}/{tool} ", line)
        return line

    def run(self, line: str) -> str:
        done = subprocess.run(
            ["bash", "-c", self.rewrite(line)],
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def shell(postgres_cluster: PostgresCluster, tmp_path: Path) -> Iterator[Shell]:
    with psycopg.connect(postgres_cluster.conninfo("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'crossdesk'").fetchone() is None:
            conn.execute("CREATE ROLE crossdesk LOGIN")
    yield Shell(postgres_cluster, tmp_path)


def test_the_deployment_commands_work_as_written(shell: Shell) -> None:
    accounts, serve, backup = _deployment_blocks()
    printed = [shell.run(line) for line in accounts]
    integration_token = printed[-1].strip().splitlines()[-1]
    assert integration_token.startswith("cdk_")

    [command] = serve
    assert "--workers 4" in command
    server = subprocess.Popen(
        ["bash", "-c", "exec " + shell.rewrite(command)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{shell.port}"
    try:
        assert server.stdout is not None
        for output in server.stdout:  # a worker says so once it runs
            if b"Application startup complete" in output:
                break
        me = httpx.get(f"{base}/v1/me", headers={"Authorization": f"Bearer {integration_token}"})
        assert me.status_code == 200 and me.json()["agent"]["id"] == "whatsapp-bridge"
        signed_in = httpx.post(
            f"{base}/v1/auth/token",
            json={"grant_type": "password", "username": "li.wei", "password": "li.wei password"},
        )
        assert signed_in.status_code == 200, signed_in.text
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()

    for step in backup:
        shell.run(step)
    original = shell.libpq(shell.dbname)
    restored = shell.libpq("crossdesk_restored")
    with psycopg.connect(original) as a, psycopg.connect(restored) as b:
        query = "SELECT value FROM meta WHERE key = 'epoch'"
        assert a.execute(query).fetchone() != b.execute(query).fetchone()
        count = "SELECT count(*) FROM accounts"
        assert a.execute(count).fetchone() == b.execute(count).fetchone() == (3,)
