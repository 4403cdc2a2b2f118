"""Schema 5 rebuilds the search indexes of an existing workspace in the normalised form
(issue 9): a file written by the previous CrossDesk finds ``paypal``, full-width codes
and emoji after it is opened, and a failed rebuild leaves the file as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.filters import InboxQuery
from app.domain.models import Status
from app.storage import fts, migrations
from app.storage.db import connect
from app.storage.store import Store
from tests.helpers.builders import NOW
from tests.helpers.sql import sql

ALL = frozenset(Status)
CONVERSATIONS = [  # (customer, handles JSON, subject, messages)
    ("Zed Zero", '{"email": "zed@example.com"}', None, ["Pay by pay\u200bpal?", "ok"]),
    ("Wendy Wide", '{"line": "ｳｪﾝﾃﾞｨ"}', "ＬＭ-２０２６-５５", ["late"]),
    ("Emma Emoji", "{}", None, ["Thanks🙏", "again 📦"]),
    ("Broken Handles", "not json", None, ["still indexed"]),
]


def _version_4_store(path: Path) -> None:
    """A workspace as the previous CrossDesk wrote it: schema 4, the old search index."""
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(4):
        script = migrations.MIGRATIONS[version]
        assert isinstance(script, str)
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
    message_id = 0
    for cid, (name, handles, subject, bodies) in enumerate(CONVERSATIONS, 1):
        conn.execute(
            "INSERT INTO customers (id, uid, name, country, language, timezone, handles,"
            " created_at) VALUES (?, ?, ?, 'US', 'en', 'UTC', ?, ?)",
            (cid, f"c{cid}", name, handles, NOW),
        )
        conn.execute(
            "INSERT INTO conversations (id, uid, customer_id, channel, subject, status, language,"
            " language_primary, country, last_activity_at, created_at, updated_at)"
            " VALUES (?, ?, ?, 'email', ?, 'open', 'en', 'en', 'US', ?, ?, ?)",
            (cid, f"conv{cid}", cid, subject, NOW, NOW, NOW),
        )
        for seq, body in enumerate(reversed(bodies), 1):  # inserted out of order on purpose
            message_id += 1
            conn.execute(
                "INSERT INTO messages (id, uid, conversation_id, seq, kind, body, channel,"
                " created_at) VALUES (?, ?, ?, ?, 'customer', ?, 'email', ?)",
                (100 - message_id, f"m{message_id}", cid, len(bodies) + 1 - seq, body, NOW),
            )
        # The old index: raw text, no normalisation, symbols dropped by the tokenizer.
        conn.execute(
            "INSERT INTO conversations_fts (rowid, name, body) VALUES (?, ?, ?)",
            (cid, name, "\n".join([subject or "", *bodies])),
        )
    conn.execute(
        "INSERT INTO articles (id, uid, locale, region, title, body, tags, updated_at)"
        " VALUES (1, 'pp', 'en', 'global', 'Pay\u200bPal', 'ＰａｙＰａｌ 💳', '[\"pay-pal\"]', 1)"
    )
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, tags, body) VALUES (1, 'Pay\u200bPal', 'pay pal',"
        " 'ＰａｙＰａｌ 💳')"
    )
    conn.close()


def _names(repo: Store, text: str) -> set[str]:
    ids = list(
        repo.conversations.conversation_ids(InboxQuery(statuses=ALL, search=text), None, NOW)
    )
    return {row.customer_name for row in repo.conversations.conversation_rows(ids).values()}


def test_opening_a_version_4_store_rebuilds_the_search_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_4_store(path)
    repo = Store.open(path)
    try:
        assert migrations.current_version(sql(repo)) == migrations.LATEST == 11
        assert _names(repo, "paypal") == {"Zed Zero"}
        assert _names(repo, "LM-2026-55") == {"Wendy Wide"}  # the subject, full-width
        assert _names(repo, "ウェンディ") == {"Wendy Wide"}  # a handle, half-width
        assert _names(repo, "🙏") == {"Emma Emoji"}
        assert _names(repo, "📦 again") == {"Emma Emoji"}
        assert _names(repo, "indexed") == {"Broken Handles"}
        # The document is exactly what the app writes for a new message.
        before = sql(repo).execute("SELECT name, body FROM conversations_fts ORDER BY rowid")
        rows = before.fetchall()
        for cid in range(1, len(CONVERSATIONS) + 1):
            repo.conversations.reindex(cid)
        after = sql(repo).execute("SELECT name, body FROM conversations_fts ORDER BY rowid")
        assert after.fetchall() == rows
        assert [a.uid for a in repo.articles.search("paypal", [])] == ["pp"]
        assert [a.uid for a in repo.articles.search("💳", [])] == ["pp"]
    finally:
        repo.close()


def test_a_failed_rebuild_leaves_the_file_at_version_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    _version_4_store(path)

    def fail(*_args: object) -> tuple[str, str]:
        raise RuntimeError("disk trouble half-way")

    monkeypatch.setattr(migrations, "conversation_document", fail)
    with pytest.raises(RuntimeError):
        connect(path)
    conn = sqlite3.connect(path)
    try:
        assert migrations.current_version(conn) == 4
        old = conn.execute("SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH 'ok'")
        assert old.fetchall() == [(1,)]  # the old index is still there and still works
    finally:
        conn.close()
    monkeypatch.undo()
    repo = Store.open(path)
    try:
        assert _names(repo, "paypal") == {"Zed Zero"}
    finally:
        repo.close()


def test_a_new_store_gets_the_new_index(tmp_path: Path) -> None:
    db = connect(tmp_path / "new.sqlite3")
    try:
        sql = db.execute(
            "SELECT sql FROM sqlite_master WHERE name IN ('conversations_fts', 'articles_fts')"
        ).fetchall()
        assert len(sql) == 2 and all(fts.TOKENIZER_SQL in row[0] for row in sql)
    finally:
        db.close()
