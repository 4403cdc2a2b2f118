"""A sync page is stored in one batch: the same rows and list columns as storing its
messages one by one, and the search documents written once per conversation."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from app.contract import models as wire
from app.domain.models import MessageKind
from app.domain.text import is_unspaced_script
from app.storage import fts
from app.storage.messages import ReceivedMessage
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.sql import sql

KINDS = [MessageKind.CUSTOMER, MessageKind.AGENT, MessageKind.NOTE, MessageKind.SYSTEM]


def _store(path: Path) -> tuple[Store, list[int], dict[str, int]]:
    repo = Store.open(path)
    agents = add_agents(repo)
    ids = [
        add_conversation(repo, Conv(customer=f"Customer {n}", sla_in=None), agents)
        for n in range(4)
    ]
    return repo, ids, agents


def _page(ids: list[int], agents: dict[str, int], seed: int) -> list[ReceivedMessage]:
    rng = random.Random(seed)
    page = []
    for n in range(60):  # interleaved, times not in order, every kind, pages of notes only
        conversation = rng.choice(ids[:3]) if n < 50 else ids[3]
        kind = MessageKind.NOTE if conversation == ids[3] else rng.choice(KINDS)
        page.append(
            ReceivedMessage(
                conversation,
                f"m-{seed}-{n}",
                kind,
                f"body {n} 退款 {rng.random()}",
                1_795_000_000 + rng.randint(-5000, 5000),
                author_agent_id=agents["colleague"] if kind is not MessageKind.CUSTOMER else None,
                language=rng.choice([None, "pt-BR"]),
                original_body=rng.choice([None, "original"]),
                original_language=rng.choice([None, "en"]),
                provenance=rng.choice([None, '{"kind":"mt"}']),
                server_seq=n + 1,
            )
        )
    return page


def _rows(repo: Store, table: str) -> list[tuple[object, ...]]:
    """Every column but the uid (the builder's are random, the page's the same)."""
    return [r[:1] + r[2:] for r in sql(repo).execute(f"SELECT * FROM {table} ORDER BY id")]


def test_a_batch_leaves_what_one_message_at_a_time_leaves(tmp_path: Path) -> None:
    one, ids, agents = _store(tmp_path / "one.sqlite3")
    batch, batch_ids, _ = _store(tmp_path / "batch.sqlite3")
    assert ids == batch_ids
    for seed in (1, 2):
        page = _page(ids, agents, seed)
        for m in page:
            one.messages.add_message(
                m.conversation_id,
                m.kind,
                m.body,
                m.created_at,
                author_agent_id=m.author_agent_id,
                language=m.language,
                uid=m.uid,
                reindex=False,
                original_body=m.original_body,
                original_language=m.original_language,
                provenance=m.provenance,
                count_unread=m.kind is MessageKind.CUSTOMER,
                keep_state=True,
            )
            sql(one).execute(
                "UPDATE messages SET server_seq = ? WHERE uid = ?", (m.server_seq, m.uid)
            )
        batch.messages.add_received_messages(page)
    assert _rows(batch, "messages") == _rows(one, "messages")
    uids = "SELECT uid FROM messages WHERE uid LIKE 'm-%' ORDER BY id"
    assert sql(batch).execute(uids).fetchall() == sql(one).execute(uids).fetchall()
    assert _rows(batch, "conversations") == _rows(one, "conversations")
    one.close()
    batch.close()


def _message(conversation: str, uid: str, seq: int, body: str) -> wire.Message:
    return wire.Message(
        id=uid,
        conversation_id=conversation,
        seq=seq,
        kind="customer",
        author=wire.Author(type="customer"),
        body=body,
        created_at=1_795_000_000 + seq,
    )


def _document(repo: Store, conversation_id: int) -> str:
    row = (
        sql(repo)
        .execute("SELECT body FROM conversations_fts WHERE rowid = ?", (conversation_id,))
        .fetchone()
    )
    return row[0] if row else ""


def test_search_documents_wait_for_the_conversations_last_message(tmp_path: Path) -> None:
    repo, ids, _ = _store(tmp_path / "store.sqlite3")
    uid = sql(repo).execute("SELECT uid FROM conversations WHERE id = ?", (ids[0],)).fetchone()[0]
    first = [_message(uid, "s-1", 2, "parcel stuck"), _message(uid, "s-2", 3, "customs")]
    assert repo.remote.upsert_messages(first, defer={uid}) == set()
    assert "customs" not in _document(repo, ids[0])
    repo.remote.reindex_conversations([uid])
    assert "customs" in _document(repo, ids[0])

    again = [_message(uid, "s-3", 4, "refund"), _message(uid, "s-3", 5, "refund")]
    repo.remote.upsert_messages(again)  # a page holding one message twice
    assert "refund" in _document(repo, ids[0])
    assert sql(repo).execute(
        "SELECT count(*), max(server_seq) FROM messages WHERE uid = 's-3'"
    ).fetchone() == (1, 5)
    assert repo.remote.upsert_messages([_message("unknown-conv", "s-4", 1, "x")]) == {
        "unknown-conv"
    }
    repo.close()


def test_segment_is_the_per_character_substitution() -> None:
    def alone(char: str) -> bool:  # unspaced scripts and symbols stand alone
        return is_unspaced_script(char) or unicodedata.category(char)[0] == "S"

    rng = random.Random(5)
    ranges = [(32, 0x2FF), (0x0E00, 0x0EFF), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF)]
    ranges += [(0xAC00, 0xD7A3), (0x0600, 0x06FF), (0x1000, 0x109F), (0x1780, 0x17FF)]
    for _ in range(3000):
        text = "".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 25)))
        assert fts.segment(text) == "".join(f" {c} " if alone(c) else c for c in text)
