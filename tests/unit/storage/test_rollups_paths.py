"""The demand heat map and the per-conversation KPI counters are the same whether messages
come in a mirrored sync page (rollups added set-wise, schema v8) or are written one by one
here (triggers), through edits and deletes, and after a version 7 file is upgraded."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.contract import models as wire
from app.domain.models import MessageKind
from app.storage import migrations
from app.storage.messages import ReceivedMessage
from app.storage.schema_steps import V7_STATEMENTS
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql

ZONES = ["America/Sao_Paulo", "Europe/Berlin", "Asia/Kolkata", "UTC"]
MT_LOW = {"kind": "mt", "confidence": 0.2}
INSERT_TRIGGERS = {  # as schema v7 made them (a sync page sets them aside, then back)
    name: text
    for name, text in (
        (statement.split()[2], statement)
        for statement in V7_STATEMENTS
        if statement.startswith("CREATE TRIGGER") and "AFTER INSERT" in statement
    )
}
Sent = tuple[int, MessageKind, int, dict[str, Any] | None]  # see PAGE
# (conversation index, kind, seconds before NOW, provenance): customer and agent messages,
# notes and system lines, machine translated or not, rated high, low or not at all, several
# in one quarter hour and one time zone.
PAGE: list[Sent] = [
    (0, MessageKind.CUSTOMER, 5000, None),
    (1, MessageKind.CUSTOMER, 4990, None),
    (0, MessageKind.AGENT, 4900, {"kind": "mt", "confidence": 0.9}),
    (2, MessageKind.CUSTOMER, 4800, {"kind": "untranslated"}),
    (1, MessageKind.AGENT, 4000, MT_LOW),
    (0, MessageKind.NOTE, 3950, None),
    (3, MessageKind.SYSTEM, 3900, None),
    (2, MessageKind.AGENT, 3000, {"kind": "human", "confidence": 0.1}),
    (0, MessageKind.CUSTOMER, 2990, None),
    (3, MessageKind.CUSTOMER, 2000, None),
    (1, MessageKind.AGENT, 1000, None),
    (0, MessageKind.CUSTOMER, 10, None),
]


def _insert_triggers(repo: Store) -> dict[str, str]:
    """The insert triggers on messages, as stored."""
    return dict(
        sql(repo).execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'messages' AND sql LIKE '%AFTER INSERT%'"
        )
    )


def _store(path: Path) -> tuple[Store, list[int], dict[str, int]]:
    repo = Store.open(path)
    agents = add_agents(repo)
    ids = [
        add_conversation(repo, Conv(customer=f"Customer {n}", timezone=zone, sla_in=None), agents)
        for n, zone in enumerate(ZONES)
    ]
    return repo, ids, agents


def _uid(repo: Store, conversation_id: int) -> str:
    row = sql(repo).execute("SELECT uid FROM conversations WHERE id = ?", (conversation_id,))
    return str(row.fetchone()[0])


def _mirror(
    repo: Store,
    ids: list[int],
    page: list[Sent],
    tag: str,
) -> None:
    """The page as the server sends it, through the sync mirror."""
    mirror_numbered(repo, ids, list(enumerate(page)), tag)


def mirror_numbered(
    repo: Store, ids: list[int], numbered: list[tuple[int, Sent]], tag: str
) -> None:
    """Messages ``tag-n`` (seq 100 + n) as the server sends them, through the sync mirror."""
    repo.remote.upsert_messages(
        [
            wire.Message(
                id=f"{tag}-{n}",
                conversation_id=_uid(repo, ids[index]),
                seq=100 + n,
                kind=kind.value,
                author=wire.Author(type="agent", id="colleague")
                if kind is MessageKind.AGENT
                else wire.Author(type="customer"),
                body=f"message {n}",
                provenance=None
                if provenance is None
                else wire.Provenance.model_validate(provenance),
                created_at=NOW - ago,
            )
            for n, (index, kind, ago, provenance) in numbered
        ]
    )


def _locally(
    repo: Store,
    ids: list[int],
    page: list[Sent],
    agents: dict[str, int],
) -> None:
    """The same messages written one by one, as the desk writes them."""
    for n, (index, kind, ago, provenance) in enumerate(page):
        repo.messages.add_message(
            ids[index],
            kind,
            f"message {n}",
            NOW - ago,
            author_agent_id=agents["colleague"] if kind is MessageKind.AGENT else None,
            provenance=None if provenance is None else json.dumps(provenance),
        )


def _rollups(repo: Store) -> tuple[dict[tuple[int, str], int], dict[int, tuple[int, ...]]]:
    """What the store keeps: demand per (quarter, zone) (empty buckets aside) and the KPI
    counters per conversation."""
    conn = sql(repo)
    demand = _demand(conn)
    kpis = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            "SELECT id, kpi_messages, kpi_machine, kpi_rated, kpi_low FROM conversations"
        )
    }
    return demand, kpis


def _provenance(text: str | None) -> dict[str, Any]:
    """A message's provenance; one that is not valid JSON counts as none."""
    try:
        return json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}


def _demand(conn: sqlite3.Connection) -> dict[tuple[int, str], int]:
    """The heat map's buckets as stored (empty ones aside)."""
    return {
        (q, zone): n
        for q, zone, n in conn.execute("SELECT quarter, timezone, messages FROM demand_quarters")
        if n
    }


def _recomputed(
    conn: sqlite3.Connection,
) -> tuple[dict[tuple[int, str], int], dict[int, tuple[int, ...]]]:
    """The same figures counted from scratch, in Python, from every stored message."""
    demand: Counter[tuple[int, str]] = Counter()
    kpis = {cid: [0, 0, 0, 0] for (cid,) in conn.execute("SELECT id FROM conversations")}
    for cid, kind, created_at, zone, provenance in conn.execute(
        "SELECT m.conversation_id, m.kind, m.created_at, cu.timezone, m.provenance"
        " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " JOIN customers cu ON cu.id = c.customer_id"
    ):
        if kind == "customer":
            demand[(created_at // 900, zone)] += 1
        if kind not in ("customer", "agent"):
            continue
        origin = _provenance(provenance)
        confidence = origin.get("confidence")
        figures = kpis[cid]
        figures[0] += 1
        figures[1] += kind == "customer" or origin.get("kind") == "mt"
        figures[2] += confidence is not None
        figures[3] += confidence is not None and confidence < 0.3
    return dict(demand), {cid: tuple(f) for cid, f in kpis.items()}


def _edit_and_delete(repo: Store, ids: list[int], agents: dict[str, int]) -> None:
    """Local edits and deletes, the same in both stores: a held reply released with a
    machine translation rated low (its machine flag and rating change), one taken back
    (deleted), and a conversation removed by the server (its messages go with it)."""
    for index, ago in ((0, 500), (1, 400)):
        repo.messages.add_message(
            ids[index],
            MessageKind.AGENT,
            "held",
            NOW - ago,
            author_agent_id=agents["me"],
            provenance=json.dumps({"kind": "untranslated"}),
            held=True,
        )
    first, second = (next(m for m in repo.messages.messages(ids[i]) if m.held) for i in (0, 1))
    repo.messages.release_held(first, "traduzido", json.dumps(MT_LOW), agents["me"], NOW - 5)
    repo.held.take_back(second.id)
    removed = repo.remote.remove_conversations(
        [wire.Tombstone(id=_uid(repo, ids[2]), deleted_at=NOW)]
    )
    assert removed == 1


def test_a_mirrored_page_and_local_writes_keep_the_same_rollups(tmp_path: Path) -> None:
    mirrored, m_ids, m_agents = _store(tmp_path / "mirrored.sqlite3")
    local, l_ids, l_agents = _store(tmp_path / "local.sqlite3")
    try:
        assert len(INSERT_TRIGGERS) == 2
        _mirror(mirrored, m_ids, PAGE, "page")
        _locally(local, l_ids, PAGE, l_agents)
        assert _rollups(mirrored) == _rollups(local) == _recomputed(sql(local))
        demand, kpis = _rollups(mirrored)
        assert sum(demand.values()) == 4 + 6  # the builder's first messages, the page's
        assert kpis[m_ids[1]] == (4, 3, 1, 1)  # customer x2, agent MT low, agent plain

        for repo, ids, agents in ((mirrored, m_ids, m_agents), (local, l_ids, l_agents)):
            _edit_and_delete(repo, ids, agents)
        assert _rollups(mirrored) == _rollups(local) == _recomputed(sql(mirrored))
        assert _rollups(mirrored)[1][m_ids[0]] == (6, 6, 2, 1)  # + the released MT reply

        # A second page after the edits (the page's ids follow the highest stored one).
        kept = [message for message in PAGE if message[0] != 2]  # the third one is gone
        _mirror(mirrored, m_ids, kept, "again")
        _locally(local, l_ids, kept, l_agents)
        assert _rollups(mirrored) == _rollups(local) == _recomputed(sql(local))
        assert _insert_triggers(mirrored) == _insert_triggers(local) == INSERT_TRIGGERS
    finally:
        mirrored.close()
        local.close()


def test_a_failed_page_leaves_local_writes_counted(tmp_path: Path) -> None:
    repo, ids, agents = _store(tmp_path / "store.sqlite3")
    try:
        taken = repo.messages.messages(ids[0])[0].uid
        page = [
            ReceivedMessage(ids[0], "fresh", MessageKind.CUSTOMER, "hi", NOW - 60),
            ReceivedMessage(ids[0], taken, MessageKind.CUSTOMER, "again", NOW - 30),
        ]
        with pytest.raises(sqlite3.IntegrityError):
            repo.messages.add_received_messages(page)
        before = _rollups(repo)
        assert before == _recomputed(sql(repo))
        assert _insert_triggers(repo) == INSERT_TRIGGERS  # put back with the failed page
        _locally(repo, ids, PAGE[:3], agents)  # the insert triggers count again
        assert _rollups(repo) == _recomputed(sql(repo)) != before
    finally:
        repo.close()


def _version_7_store(path: Path) -> None:
    """A workspace as issue 12's CrossDesk left it (schema 7, rollups kept by triggers),
    written with every kind of message and provenance, then edited and partly deleted."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrate(conn, migrations.MIGRATIONS[:7])
    provenances = [None, '{"kind": "mt", "confidence": 0.1}', '{"kind": "tm"}', "not json"]
    kinds = ["customer", "agent", "note", "system"]
    message_id = 0
    for cid, zone in enumerate(ZONES, 1):
        conn.execute(
            "INSERT INTO customers (id, uid, name, country, language, timezone, created_at)"
            " VALUES (?, ?, ?, 'BR', 'pt-BR', ?, ?)",
            (cid, f"c{cid}", f"Customer {cid}", zone, NOW),
        )
        conn.execute(
            "INSERT INTO conversations (id, uid, customer_id, channel, status, language,"
            " language_primary, country, last_activity_at, created_at, updated_at)"
            " VALUES (?, ?, ?, 'email', 'open', 'pt-BR', 'pt', 'BR', ?, ?, ?)",
            (cid, f"conv{cid}", cid, NOW, NOW, NOW),
        )
        for seq in range(1, 13):
            message_id += 1
            conn.execute(
                "INSERT INTO messages (id, uid, conversation_id, seq, kind, body, channel,"
                " created_at, provenance) VALUES (?, ?, ?, ?, ?, 'text', 'email', ?, ?)",
                (
                    message_id,
                    f"m{message_id}",
                    cid,
                    seq,
                    kinds[(seq + cid) % 4],
                    NOW - 300 * seq * cid,
                    provenances[seq % 4],
                ),
            )
        conn.execute("UPDATE conversations SET message_count = 12 WHERE id = ?", (cid,))
    conn.execute('UPDATE messages SET provenance = \'{"kind": "mt"}\' WHERE id % 5 = 0')
    conn.execute("DELETE FROM messages WHERE id % 7 = 0")
    # A conversation the server deleted: v7 left its customer messages in the heat map.
    conn.execute(
        "INSERT INTO conversations (id, uid, customer_id, channel, status, language,"
        " language_primary, country, last_activity_at, created_at, updated_at)"
        " VALUES (9, 'gone', 2, 'email', 'open', 'de', 'de', 'DE', ?, ?, ?)",
        (NOW, NOW, NOW),
    )
    conn.execute(
        "INSERT INTO messages (id, uid, conversation_id, seq, kind, body, channel, created_at)"
        " VALUES (900, 'gone-1', 9, 1, 'customer', 'hi', 'email', ?)",
        (NOW - 7200,),
    )
    conn.execute("DELETE FROM conversations WHERE id = 9")
    assert _demand(conn) != _recomputed(conn)[0]
    assert migrations.current_version(conn) == 7
    conn.close()


def test_a_version_7_store_keeps_exact_rollups_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "v7.sqlite3"
    _version_7_store(path)
    repo = Store.open(path)
    try:
        conn = sql(repo)
        assert migrations.current_version(conn) == migrations.LATEST
        assert _rollups(repo) == _recomputed(conn)
        assert sum(_rollups(repo)[0].values()) > 0

        agents = add_agents(repo)
        ids = [1, 2, 3, 4]
        _mirror(repo, ids, PAGE, "page")
        _locally(repo, ids, PAGE, agents)
        _edit_and_delete(repo, ids, agents)
        assert _rollups(repo) == _recomputed(conn)
    finally:
        repo.close()
