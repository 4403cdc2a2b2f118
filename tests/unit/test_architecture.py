"""The store has one door: SQL lives in ``app/storage`` (and the reference server's own
SQLAlchemy store), nowhere else in the application."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(r"\bexecute\(|\bexecutemany\(|\bexecutescript\(|\.conn\b")
ALLOWED = ("app/storage/", "app/server/")


def sql_outside_storage(root: Path) -> list[str]:
    """``path:line`` of every place outside the allowed packages that runs SQL itself."""
    found = []
    for path in sorted((root / "app").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(ALLOWED):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_sql_outside_storage() -> None:
    assert sql_outside_storage(ROOT) == []


def test_the_check_finds_sql_where_it_should_not_be(tmp_path: Path) -> None:
    """The check itself can fail: a raw query in an operation is reported."""
    ops = tmp_path / "app" / "ops"
    ops.mkdir(parents=True)
    (ops / "bad.py").write_text(
        'def f(store):\n    return store.conn.execute("SELECT 1")\n', encoding="utf-8"
    )
    storage = tmp_path / "app" / "storage"
    storage.mkdir()
    (storage / "fine.py").write_text('conn.executemany("INSERT ...", [])\n', encoding="utf-8")
    assert sql_outside_storage(tmp_path) == [
        'app/ops/bad.py:2: return store.conn.execute("SELECT 1")'
    ]
