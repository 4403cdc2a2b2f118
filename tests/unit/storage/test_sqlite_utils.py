"""sqlite-utils earns its place only where it is used: schema changes, off start-up, no plugins.

- Start-up, up to the inbox's first paint (a new demo workspace, so migrations run too),
  loads neither sqlite-utils nor numpy nor pluggy.
- Opening, migrating and reshaping a store never imports an installed sqlite-utils plugin
  (a real plugin, installed through an entry point in a child interpreter).
- A :class:`Reshape` step changes a table that others reference without cascading deletes,
  is all-or-nothing, and refuses to leave a dangling reference.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from app.domain.models import MessageKind
from app.storage.migrations import LATEST, MIGRATIONS, ForeignKeyViolation, Reshape, migrate
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.sql import sql

ROOT = Path(__file__).resolve().parents[3]
NOT_AT_START_UP = ("sqlite_utils", "numpy", "pluggy")

# Run in a child: the application's own entry point with --exit-after-first-paint; when
# 'first-paint' is printed, the modules loaded so far are written to the file named in argv.
_FIRST_PAINT = """
import sys
from pathlib import Path

out = Path(sys.argv[1])

class Watch:
    def __init__(self, inner):
        self.inner = inner
    def write(self, text):
        if "first-paint" in text and not out.exists():
            out.write_text("\\n".join(sorted(sys.modules)), encoding="utf-8")
        return self.inner.write(text)
    def __getattr__(self, name):
        return getattr(self.inner, name)

sys.stdout = Watch(sys.stdout)
from app.ui.shell.bootstrap import main
raise SystemExit(main(sys.argv[2:]))
"""


def _child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **extra}
    env.pop("PYTHONSTARTUP", None)
    return env


def test_first_paint_loads_neither_sqlite_utils_nor_numpy_nor_pluggy(tmp_path: Path) -> None:
    loaded = tmp_path / "modules.txt"
    proc = subprocess.run(
        [
            *(sys.executable, "-c", _FIRST_PAINT, str(loaded)),
            *("--demo", "--data-dir", str(tmp_path / "data"), "--exit-after-first-paint"),
        ],
        cwd=ROOT,
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "first-paint" in proc.stdout
    modules = set(loaded.read_text(encoding="utf-8").split())
    # The snapshot is of the real window: the store was opened (and a new workspace
    # migrated) and the shell built before the inbox painted.
    assert {"app.storage.store", "app.storage.migrations", "app.ui.shell.main_window"} <= modules
    assert [name for name in NOT_AT_START_UP if name in modules] == []


# A sqlite-utils plugin, installed the way pip installs one (a dist-info with an entry
# point), that records its own import; then the store code paths that use sqlite-utils.
_PLUGIN = """
import sqlite_utils

LOADED = True

@sqlite_utils.hookimpl
def prepare_connection(conn):
    conn.create_function("crossdesk_test_plugin", 0, lambda: 1)
"""
_OPEN_AND_RESHAPE = """
import sqlite3
import sys
from pathlib import Path

from app.storage.migrations import MIGRATIONS, Reshape, migrate
from app.storage.store import Store
from tests.helpers.sql import sql

folder = Path(sys.argv[1])
Store.open(folder / "new.sqlite3").close()  # created and migrated
store = Store.open(folder / "new.sqlite3")  # reopened
migrate(sql(store), (*MIGRATIONS, Reshape(lambda db: db["trial"].create({"id": int}, pk="id"))))
store.close()
print("after store:", "crossdesk_test_plugin" in sys.modules)

import sqlite_utils
sqlite_utils.Database(sqlite3.connect(":memory:"))  # the default: plugins on
print("after default Database:", "crossdesk_test_plugin" in sys.modules)
"""


def test_opening_migrating_and_reshaping_never_load_a_plugin(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dist = site / "crossdesk_test_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: crossdesk-test-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[sqlite_utils]\ncrossdesk_test = crossdesk_test_plugin\n", encoding="utf-8"
    )
    (site / "crossdesk_test_plugin.py").write_text(textwrap.dedent(_PLUGIN), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_RESHAPE, str(tmp_path)],
        cwd=ROOT,
        env=_child_env(PYTHONPATH=os.pathsep.join([str(ROOT), str(site)])),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # The plugin is real (the default Database loads it), and the store never did.
    assert proc.stdout.split("\n")[:2] == ["after store: False", "after default Database: True"]


def test_the_database_given_to_a_step_keeps_the_store_connection_settings(repo: Store) -> None:
    conn = sql(repo)
    seen: dict[str, Any] = {}

    def look(db: Any) -> None:
        seen["same"] = db.conn is conn
        seen["tables"] = set(db.table_names())
        seen["columns"] = db["messages"].columns_dict
        seen["recursive_triggers"] = conn.execute("PRAGMA recursive_triggers").fetchone()[0]

    migrate(conn, (*MIGRATIONS, Reshape(look)))
    assert seen["same"] is True
    assert {"conversations", "messages", "outbox", "articles"} <= seen["tables"]
    assert seen["columns"]["body"] is str and seen["columns"]["server_seq"] is int
    assert seen["recursive_triggers"] == 0  # sqlite-utils' default would have turned it on


def _inbox(repo: Store) -> tuple[int, int]:
    agents = add_agents(repo)
    first = add_conversation(
        repo,
        Conv(messages=[(MessageKind.CUSTOMER, "Hello"), (MessageKind.AGENT, "Hi")]),
        agents,
    )
    add_conversation(repo, Conv(customer="Bo"), agents)
    repo.drafts.save_draft(first, MessageKind.AGENT, "half a reply", 1)
    return first, _count(repo, "messages")


def _count(repo: Store, table: str) -> int:
    return int(sql(repo).execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_reshaping_a_referenced_table_keeps_what_references_it(repo: Store) -> None:
    """Rebuilding ``conversations`` (which messages, drafts and tags reference with ON DELETE
    CASCADE) inside an ordinary transaction with foreign keys on would be refused by
    sqlite-utils; as a Reshape it runs, and nothing that points at it is lost."""
    first, messages = _inbox(repo)
    conn = sql(repo)

    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'conversations' AND type = 'index'"
        " AND sql IS NOT NULL ORDER BY name"
    ).fetchall()

    def default_country(db: Any) -> None:  # a new table, copied, the old one dropped
        db["conversations"].transform(defaults={"country": ""})

    migrate(conn, (*MIGRATIONS, Reshape(default_country)))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ("country", "''") in {
        (row[1], row[4]) for row in conn.execute("PRAGMA table_info(conversations)")
    }
    assert _count(repo, "messages") == messages
    assert repo.drafts.draft(first) is not None
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # The list's covering indexes (one on an expression) are rebuilt with the table.
    assert (
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'conversations'"
            " AND type = 'index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        == indexes
    )


def test_a_failing_reshape_leaves_the_file_as_it_was(repo: Store) -> None:
    _inbox(repo)
    conn = sql(repo)
    schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()

    def half_done(db: Any) -> None:
        db["trial_reviews"].create({"id": int, "note": str}, pk="id")
        db["conversations"].transform(defaults={"country": ""})
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError, match="disk gone"):
        migrate(conn, (*MIGRATIONS, Reshape(half_done)))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert not conn.in_transaction


def test_a_reshape_that_leaves_a_dangling_reference_is_refused(repo: Store) -> None:
    first, messages = _inbox(repo)
    conn = sql(repo)

    def lose_a_conversation(db: Any) -> None:
        db.execute("DELETE FROM conversations WHERE id = ?", [first])  # no cascade: FKs off

    with pytest.raises(ForeignKeyViolation):
        migrate(conn, (*MIGRATIONS, Reshape(lose_a_conversation)))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert _count(repo, "messages") == messages
    assert (
        conn.execute("SELECT count(*) FROM conversations WHERE id = ?", (first,)).fetchone()[0] == 1
    )


def sqlite_utils_imports(root: Path) -> set[str]:
    """The application modules that import sqlite-utils (as ``path``)."""
    found = set()
    for path in (root / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "sqlite_utils" for name in names):
                found.add(path.relative_to(root).as_posix())
    return found


def test_one_module_makes_the_database() -> None:
    """Only :mod:`app.storage.sqlite_utils_db` makes a ``Database`` (migrations names the
    type for the checker, nothing else)."""
    assert sqlite_utils_imports(ROOT) == {
        "app/storage/sqlite_utils_db.py",
        "app/storage/migrations.py",
    }
    migrations = (ROOT / "app/storage/migrations.py").read_text(encoding="utf-8")
    assert "Database(" not in migrations


def test_the_import_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "app" / "ops").mkdir(parents=True)
    (tmp_path / "app" / "ops" / "bad.py").write_text("from sqlite_utils import Database\n")
    assert sqlite_utils_imports(tmp_path) == {"app/ops/bad.py"}
