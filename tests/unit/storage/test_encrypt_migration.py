"""Migrating a plain workspace to an encrypted one in place: everything arrives (search
included), and a process killed at any step, or at a random moment, loses nothing."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain.filters import InboxQuery
from app.domain.models import MessageKind
from app.storage.cipher import (
    BACKUP_SUFFIX,
    ENCRYPT_STEPS,
    ENCRYPTING_SUFFIX,
    WorkspaceKey,
    encrypt_in_place,
    file_state,
)
from app.storage.errors import StoreError, StoreProblem
from app.storage.migrations import LATEST
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql

ROOT = Path(__file__).resolve().parents[3]
KEY = WorkspaceKey.from_raw(bytes(range(32)))
CONVERSATIONS = 300
Template = tuple[Path, tuple[dict[str, int], str]]  # a plain workspace and its digest

# The child process: encrypts the file, killing itself (SIGKILL: no clean-up of any
# kind) right after the named step, or runs to the end when the step is "-"; it says "go"
# just before starting, so the parent can kill it at a random moment of the work itself.
CHILD = """
import os, signal, sys
from pathlib import Path
from app.storage.cipher import WorkspaceKey, encrypt_in_place
stop = sys.argv[2]
def hook(name):
    if name == stop:
        os.kill(os.getpid(), signal.SIGKILL)
print("go", flush=True)
encrypt_in_place(Path(sys.argv[1]), WorkspaceKey.from_raw(bytes(range(32))), step_hook=hook)
"""


def _child(path: Path, stop: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), stop],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )


def _digest(store: Store) -> tuple[dict[str, int], str]:
    """Row counts of the customer-data tables and a digest of their content."""
    conn = sql(store)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    for table in ("customers", "conversations", "messages", "agents", "tags"):
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        counts[table] = len(rows)
        digest.update(repr(rows).encode())
    return counts, digest.hexdigest()


@pytest.fixture(scope="module")
def plain_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A plain workspace of a few hundred conversations (built once), with its digest.

    Left with the last writes in its write-ahead log, as a crashed or running CrossDesk
    leaves it: the migration must fold them in."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "workspace.sqlite3"
    store = Store.open(path)
    agents = add_agents(store)
    for n in range(CONVERSATIONS):
        add_conversation(
            store,
            Conv(
                customer=f"Customer {n} Ølstrøm",
                messages=[
                    (MessageKind.CUSTOMER, f"Order LM-{n:05d} has not arrived, parcel {n * 7}"),
                    (MessageKind.AGENT, f"Sorry about order LM-{n:05d}, checking now " * 5),
                    (MessageKind.CUSTOMER, "Thanks, waiting for news about the zanzibar box"),
                ],
            ),
            agents,
        )
    expected = _digest(store)
    store.close()
    return path, expected


def _copy_template(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / template.name
    shutil.copyfile(template, target)
    return target


def _assert_everything_is_there(path: Path, expected: tuple[dict[str, int], str]) -> None:
    store = Store.open(path, key=KEY)
    try:
        assert _digest(store) == expected
        hits = store.conversations.conversation_ids(InboxQuery(search="LM-00042"), None, NOW)
        assert len(hits) == 1
        assert store.search.hits("zanzibar") == CONVERSATIONS
    finally:
        store.close()
    assert file_state(path) == "encrypted"
    leftovers = [p.name for p in path.parent.iterdir() if ENCRYPTING_SUFFIX in p.name]
    assert leftovers == []
    assert not path.with_name(path.name + BACKUP_SUFFIX).exists()


def test_opening_a_plain_workspace_with_a_key_encrypts_it_with_everything_in_it(
    plain_template: Template, tmp_path: Path
) -> None:
    template, expected = plain_template
    path = _copy_template(template, tmp_path)
    path.chmod(0o600)
    assert file_state(path) == "plain"
    _assert_everything_is_there(path, expected)
    assert path.stat().st_mode & 0o777 == 0o600
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA key = {KEY.sql_literal()}")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("step", ENCRYPT_STEPS)
def test_a_migration_killed_after_any_step_loses_nothing(
    plain_template: Template, tmp_path: Path, step: str
) -> None:
    template, expected = plain_template
    path = _copy_template(template, tmp_path)
    child = _child(path, step)
    child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    # Never both gone: the main file or its plain backup holds the data at every instant.
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    assert path.exists() or backup.exists()
    _assert_everything_is_there(path, expected)


def test_a_migration_killed_at_random_moments_loses_nothing(
    plain_template: Template, tmp_path: Path
) -> None:
    template, expected = plain_template
    # How long the work itself takes here (from "go" to the end), to aim the kills inside it.
    path = _copy_template(template, tmp_path / "timing")
    child = _child(path, "-")
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "go"
    started = time.perf_counter()
    child.communicate(timeout=120)
    duration = time.perf_counter() - started
    assert child.returncode == 0
    rng = random.Random(17)
    for attempt in range(12):
        path = _copy_template(template, tmp_path / f"kill-{attempt}")
        child = _child(path, "-")
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "go"
        # The random point itself is the wait: there is no event to wait for inside
        # sqlcipher_export, and that is exactly where a power cut may fall.
        time.sleep(rng.uniform(0, duration * 1.1))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=120)
        _assert_everything_is_there(path, expected)


def test_a_failure_before_the_swap_leaves_the_plain_file_as_it_was(
    plain_template: Template, tmp_path: Path
) -> None:
    template, expected = plain_template
    path = _copy_template(template, tmp_path)

    def fail(step: str) -> None:
        if step == "synced":
            raise OSError(28, "No space left on device")

    with pytest.raises(StoreError) as caught:
        encrypt_in_place(path, KEY, step_hook=fail)
    assert caught.value.problem is StoreProblem.DISK_FULL
    assert file_state(path) == "plain"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    store = Store.open(path)
    assert _digest(store) == expected
    store.close()


def test_a_workspace_in_use_elsewhere_is_not_migrated(
    plain_template: Template, tmp_path: Path
) -> None:
    template, _expected = plain_template
    path = _copy_template(template, tmp_path)
    other = Store.open(path)  # another CrossDesk with the file open
    try:
        with pytest.raises(StoreError) as caught:
            Store.open(path, key=KEY)
        assert caught.value.problem is StoreProblem.LOCKED
        assert file_state(path) == "plain"
        assert not path.with_name(path.name + ENCRYPTING_SUFFIX).exists()
    finally:
        other.close()


def test_a_foreign_plain_backup_is_never_overwritten(
    plain_template: Template, tmp_path: Path
) -> None:
    template, _expected = plain_template
    path = _copy_template(template, tmp_path)
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    backup.write_bytes(b"someone's own file")
    with pytest.raises(StoreError) as caught:
        Store.open(path, key=KEY)
    assert caught.value.path == backup
    assert backup.read_bytes() == b"someone's own file"
    assert file_state(path) == "plain"
