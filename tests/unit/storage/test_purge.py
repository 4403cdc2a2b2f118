"""A purged conversation leaves no trace: not in a table, the search index, the translation
cache or memory, the attachments folder, nor in the bytes of the file and its WAL.

Markers are single words (the search index keeps words case folded, and FTS5 stores a
term after the part it shares with the term before it): the purged conversation's all
end in ``secret4711q``, the kept one's in ``kept0815q``; raw bytes are searched lower-cased.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.config.paths import attachments_folder
from app.domain.models import Channel, Customer, MessageKind, Status
from app.domain.review import AnnotationKind, Severity, SurveyKind
from app.storage.attachments import NewAttachment
from app.storage.cipher import WorkspaceKey
from app.storage.purge import CASCADED, SCRUBBED_KEY, purge_conversations, scrub
from app.storage.store import Store
from app.storage.translation_store import CachedTranslation, MemoryRow, cache_key
from tests.helpers.builders import NOW, add_agents
from tests.helpers.sql import sql

OLD = "secret4711q"
KEPT = "kept0815q"
DAY = 86_400


@dataclass(frozen=True)
class Planted:
    conversation_id: int
    customer_id: int
    uid: str


def plant(
    repo: Store, tail: str, agents: dict[str, int], *, age: int, resolved: bool,
    outbox: bool = True,
) -> Planted:  # fmt: skip
    """A conversation that carries ``tail`` everywhere a conversation can leave text
    (``outbox``: an unsent change too, which retention waits for and erasure does not)."""
    word = f"xqz{tail}" if tail == OLD else f"wvy{tail}"
    at = NOW - age
    with repo.transaction():
        customer_id = repo.conversations.insert_customer(
            Customer(0, f"cust-{tail}", f"Name{word}", "DE", "de", "Europe/Berlin",
                     {"email": f"mail{word}@example.com"}),
            at,
        )  # fmt: skip
        cid = repo.conversations.insert_conversation(
            uid=f"conv-{tail}",
            customer_id=customer_id,
            channel=Channel.EMAIL,
            subject=f"Subject{word}",
            status=Status.OPEN,
            assignee_id=agents["me"],
            language="de",
            country="DE",
            created_at=at,
        )
        customer_text = f"Hallo body{word}"
        first = repo.messages.add_message(cid, MessageKind.CUSTOMER, customer_text, at)
        reply = repo.messages.add_message(
            cid, MessageKind.AGENT, f"Antwort reply{word}", at + 60,
            author_agent_id=agents["me"], original_body=f"Answer original{word}",
            original_language="en",
        )  # fmt: skip
        note = repo.messages.add_message(
            cid, MessageKind.NOTE, f"note{word}", at + 120, author_agent_id=agents["me"]
        )
        repo.mentions.add(note, cid, [agents["colleague"]])
        repo.drafts.save_draft(cid, MessageKind.AGENT, f"draft{word}", at + 130)
        repo.events.record(cid, "tagged", agents["me"], {"tag": f"event{word}"}, at + 140)
        repo.conversations.add_tag(cid, f"tag{word}", at + 150)
        repo.customers.set_conversation_fields(cid, {"order": f"order{word}"})
        repo.customers.add_note(customer_id, f"customernote{word}", agents["me"], at + 160)
        sha = repo.attachments.put_bytes(f"file content filebytes{word}".encode())
        repo.attachments.add(
            NewAttachment(cid, f"photo{word}.txt", "text/plain", 40, sha, message_id=first), at
        )
        if outbox:
            repo.outbox.enqueue(f"conv-{tail}", "patch", {"note": f"outbox{word}"}, at + 170)
        repo.translation.remember(
            [(cache_key(customer_text, "de", "en", "argos-de-en|b4|gabc"),
              CachedTranslation(f"Hello translated{word}", 0.9, "argos-de-en"))],
            at + 180,
        )  # fmt: skip
        repo.translation.save_memory(
            MemoryRow("", "de", "en", customer_text, f"Hello memory{word}", "lead", None), at
        )
        if resolved:
            repo.conversations.set_status(cid, Status.RESOLVED, at + 200)
    repo.reviews.add_review(cid, agents["me"], agents["me"], None, at + 210)
    repo.reviews.add_annotation(
        cid, reply, agents["me"], AnnotationKind.MISTRANSLATION, Severity.MINOR,
        f"annotation{word}", f"correction{word}", None, at + 220,
    )  # fmt: skip
    repo.surveys.add(cid, SurveyKind.CSAT, 5, f"survey{word}", at + 230)
    return Planted(cid, customer_id, f"conv-{tail}")


def _bytes_of(folder: Path) -> bytes:
    return b"".join(p.read_bytes().lower() for p in sorted(folder.rglob("*")) if p.is_file())


def _two(tmp_path: Path) -> tuple[Store, Path, Planted, Planted]:
    path = tmp_path / "work.sqlite3"
    repo = Store.open(path)
    agents = add_agents(repo)
    old = plant(repo, OLD, agents, age=200 * DAY, resolved=True)
    kept = plant(repo, KEPT, agents, age=2 * DAY, resolved=True)
    return repo, path, old, kept


def test_purge_removes_every_row_of_the_conversation_and_keeps_the_other(
    tmp_path: Path,
) -> None:
    repo, _path, old, kept = _two(tmp_path)
    before_kept = {t: _count(repo, t, kept.conversation_id) for t in CASCADED}

    report = purge_conversations(repo, [old.conversation_id, 999_999])

    assert report.conversation_ids == (old.conversation_id,)
    assert report.conversation_uids == (old.uid,)
    assert report.customer_ids == (old.customer_id,)
    assert report.rows["customer_notes"] == 1
    assert report.rows["tags"] == 1  # its own tag; no kept conversation carries it
    assert report.rows["messages"] == 3
    assert report.rows["outbox"] == 1
    assert report.rows["translation_cache"] == 1
    assert report.rows["translation_memory"] == 1
    assert report.rows["conversations_fts"] == 1
    assert len(report.files) == 1 and report.files[0].is_file()  # deleted by scrub
    assert all(_count(repo, t, old.conversation_id) == 0 for t in CASCADED)
    assert {t: _count(repo, t, kept.conversation_id) for t in CASCADED} == before_kept
    db = sql(repo)
    for table, column in (("customers", "name"), ("customer_notes", "body"),
                          ("translation_memory", "target_text"),
                          ("translation_cache", "translated"), ("outbox", "payload"),
                          ("conversations", "subject"), ("conversations_fts", "body")):  # fmt: skip
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE ?",
                          (f"%{OLD}%",)).fetchone()[0] == 0, table  # fmt: skip
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE ?",
                          (f"%{KEPT}%",)).fetchone()[0] >= 1, table  # fmt: skip
    assert repo.search.hits(f"bodyxqz{OLD}") == 0
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    repo.close()


def _count(repo: Store, table: str, conversation_id: int) -> int:
    return int(
        sql(repo)
        .execute(f"SELECT count(*) FROM {table} WHERE conversation_id = ?", (conversation_id,))
        .fetchone()[0]
    )


@pytest.mark.parametrize("born_secure", [False, True], ids=["first-purge", "later-purge"])
def test_no_byte_of_the_purged_conversation_is_left_in_the_file_wal_or_folder(
    tmp_path: Path, born_secure: bool
) -> None:
    """born_secure: the store was written with secure delete on all along (so the purge
    needs no VACUUM: zeroed space, the merged index and the truncated WAL suffice)."""
    repo, path, old, _kept = _two(tmp_path)
    if born_secure:
        with repo.transaction():
            repo.meta.set(SCRUBBED_KEY, "1")
    folder = attachments_folder(path)
    wal = path.with_name(path.name + "-wal")
    repo.close()  # the markers reach the main file (checkpoint at close)
    assert OLD.encode() in path.read_bytes().lower()
    assert OLD.encode() in _bytes_of(folder)
    repo = Store.open(path)

    report = purge_conversations(repo, [old.conversation_id])
    # The rows are gone, their space zeroed (secure_delete); the search index's segments
    # still hold the terms until merged: this is why scrub runs FTS5 'optimize'.
    repo._link.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    image = path.read_bytes().lower()
    for text in (b"hallo bodyxqz", b"antwort replyxqz", b"hello translatedxqz", b"photoxqz"):
        assert text not in image  # no row keeps the text: its space was zeroed
    assert OLD.encode() in image  # but the index's terms ("bodyxqzsecret4711q") are there

    done = scrub(repo, report)

    assert done.files_deleted == 1 and done.fts_optimized and done.checkpointed
    assert done.vacuumed is not born_secure
    assert not wal.exists() or wal.stat().st_size == 0
    assert OLD.encode() not in path.read_bytes().lower()
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    assert repo.search.hits(f"bodyxqz{OLD}") == 0
    repo.close()
    for name in (path, wal):
        assert not name.exists() or OLD.encode() not in name.read_bytes().lower()
    assert OLD.encode() not in _bytes_of(folder)
    assert KEPT.encode() in path.read_bytes().lower()
    assert KEPT.encode() in _bytes_of(folder)
    again = Store.open(path)
    assert again.search.hits(f"Subjectwvy{KEPT}") == 1
    assert again.translation.cache_size() == 1
    again.close()


def test_a_second_purge_does_not_vacuum_a_store_with_little_freed(tmp_path: Path) -> None:
    repo, _path, old, kept = _two(tmp_path)
    first = scrub(repo, purge_conversations(repo, [old.conversation_id]))
    assert first.vacuumed  # once: free pages written before secure delete was on
    agents = {"me": 1, "colleague": 2}
    extra = [plant(repo, f"n{i}", agents, age=300 * DAY, resolved=True) for i in range(3)]
    second = scrub(repo, purge_conversations(repo, [extra[0].conversation_id]))
    assert not second.vacuumed and second.fts_optimized
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    assert kept.conversation_id in repo.customers.conversation_ids([kept.customer_id])
    repo.close()


def test_merged_conversations_go_with_the_one_they_were_merged_into(tmp_path: Path) -> None:
    repo, _path, old, _kept = _two(tmp_path)
    agents = {"me": 1, "colleague": 2}
    absorbed = plant(repo, "absorbed0", agents, age=300 * DAY, resolved=True)
    sql(repo).execute(
        "UPDATE conversations SET merged_into = ? WHERE id = ?",
        (old.conversation_id, absorbed.conversation_id),
    )
    report = purge_conversations(repo, [old.conversation_id])
    assert set(report.conversation_ids) == {old.conversation_id, absorbed.conversation_id}
    assert sql(repo).execute("PRAGMA foreign_key_check").fetchall() == []
    assert purge_conversations(repo, []).total == 0
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    repo.close()


def test_a_customer_who_still_has_a_conversation_is_kept(tmp_path: Path) -> None:
    repo, _path, old, _kept = _two(tmp_path)
    agents = {"me": 1, "colleague": 2}
    other = plant(repo, "other1", agents, age=DAY, resolved=False)
    sql(repo).execute(
        "UPDATE conversations SET customer_id = ? WHERE id = ?",
        (old.customer_id, other.conversation_id),
    )
    report = purge_conversations(repo, [old.conversation_id])
    assert report.customer_ids == ()
    assert (
        sql(repo)
        .execute("SELECT count(*) FROM customers WHERE id = ?", (old.customer_id,))
        .fetchone()[0]
        == 1
    )
    repo.close()


def test_an_encrypted_workspace_is_purged_and_scrubbed_alike(tmp_path: Path) -> None:
    """SQLCipher: secure delete, the index merge, VACUUM and the checkpoint all run on the
    encrypted file, and the attachment file goes."""
    path = tmp_path / "secret.sqlite3"
    key = WorkspaceKey(raw=os.urandom(32))
    repo = Store.open(path, key=key)
    agents = add_agents(repo)
    old = plant(repo, OLD, agents, age=200 * DAY, resolved=True)
    plant(repo, KEPT, agents, age=2 * DAY, resolved=True)
    files_before = [p for p in attachments_folder(path).rglob("*") if p.is_file()]

    done = scrub(repo, purge_conversations(repo, [old.conversation_id]))

    assert done.files_deleted == 1 and done.vacuumed and done.checkpointed
    files_after = [p for p in attachments_folder(path).rglob("*") if p.is_file()]
    assert len(files_after) == len(files_before) - 1
    assert repo.search.hits(f"bodyxqz{OLD}") == 0
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    repo.close()
    reopened = Store.open(path, key=key)
    assert reopened.search.hits(f"bodywvy{KEPT}") == 1
    reopened.close()
