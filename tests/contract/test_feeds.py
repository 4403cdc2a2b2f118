"""Change feeds: snapshot, paging, incremental changes, tombstones, 400 and 410 cursors."""

from __future__ import annotations

import base64
import json

import pytest

from app.contract.models import ArticleChanges, ConversationChanges, MessageChanges
from tests.contract.client import Api, expect_problem, new_id

MODELS = {
    "conversations": ConversationChanges,
    "messages": MessageChanges,
    "articles": ArticleChanges,
}


@pytest.mark.parametrize("collection", sorted(MODELS))
def test_pages_match_the_contract_models(api: Api, collection: str) -> None:
    response = api.feed(collection, limit=3)
    assert response.status_code == 200
    page = MODELS[collection].model_validate(response.json())
    assert len(page.items) + len(page.deleted) <= 3
    assert page.next_cursor


def test_snapshot_pages_cover_everything_once_in_change_order(api: Api) -> None:
    created = {api.new_conversation()["id"] for _ in range(5)}
    _, _, tail = api.drain("conversations")
    items, _, _ = api.drain("conversations", limit=2)  # the same snapshot in small pages
    ids = [c["id"] for c in items]
    assert created <= set(ids)
    assert len(ids) == len(set(ids))  # nothing changed meanwhile: each object once
    # nothing new since the end of the snapshot: an empty page, same position
    after = api.feed("conversations", tail).json()
    assert after["items"] == []
    assert after["has_more"] is False


def test_has_more_and_cursor_walk_through_small_pages(api: Api) -> None:
    for _ in range(3):
        api.new_conversation()
    first = api.feed("conversations", limit=1).json()
    assert len(first["items"]) + len(first["deleted"]) == 1
    assert first["has_more"] is True
    second = api.feed("conversations", first["next_cursor"], limit=1).json()
    assert second["items"][0]["id"] != first["items"][0]["id"]


def test_changes_after_a_cursor_arrive_as_full_objects(api: Api) -> None:
    _, _, cursor = api.drain("conversations")
    _, _, message_cursor = api.drain("messages")
    conversation = api.new_conversation()
    changed = api.patch(
        f"/v1/conversations/{conversation['id']}", {"status": "pending"}, if_match='"1"'
    ).json()
    items, deleted, cursor2 = api.drain("conversations", cursor)
    latest = {c["id"]: c for c in items}  # at least once: keep the newest version per id
    assert latest[conversation["id"]] == changed
    assert deleted == []
    messages, _, _ = api.drain("messages", message_cursor)
    assert [m["conversation_id"] for m in messages] == [conversation["id"]]
    # and nothing more after the new cursor
    assert api.drain("conversations", cursor2)[0] == []


def test_messages_feed_carries_new_messages(api: Api) -> None:
    conversation = api.new_conversation()
    _, _, cursor = api.drain("messages")
    body = {"id": new_id("m"), "kind": "agent", "body": "feed me"}
    posted = api.post(f"/v1/conversations/{conversation['id']}/messages", body).json()
    items, _, _ = api.drain("messages", cursor)
    assert posted in items


@pytest.mark.test_hooks
def test_erasing_a_conversation_sends_tombstones_in_both_feeds(api: Api) -> None:
    conversation = api.new_conversation()
    _, _, conv_cursor = api.drain("conversations")
    _, _, msg_cursor = api.drain("messages")
    response = api.http.delete(f"/v1/admin/conversations/{conversation['id']}")
    assert response.status_code == 204
    items, deleted, _ = api.drain("conversations", conv_cursor)
    assert conversation["id"] not in {c["id"] for c in items}
    assert [t["id"] for t in deleted] == [conversation["id"]]
    assert deleted[0]["reason"] == "deleted"
    assert deleted[0]["deleted_at"] > 0
    _, message_graves, _ = api.drain("messages", msg_cursor)
    assert len(message_graves) == 1
    expect_problem(api.conversation(conversation["id"]), 404, "not_found")
    # a snapshot after the erasure no longer lists it at all
    snapshot, _, _ = api.drain("conversations")
    assert conversation["id"] not in {c["id"] for c in snapshot}


@pytest.mark.test_hooks
def test_articles_feed_with_updates_and_tombstones(api: Api) -> None:
    _, _, cursor = api.drain("articles")
    article_id = new_id("kb")
    body = {"locale": "pt-BR", "region": "BR", "title": "Prazos", "body_markdown": "**3 dias**"}
    created = api.http.put(f"/v1/admin/articles/{article_id}", json=body)
    assert created.status_code == 201
    updated = api.http.put(f"/v1/admin/articles/{article_id}", json={**body, "title": "Prazo"})
    assert updated.status_code == 200
    assert updated.json()["version"] == 2
    items, _, cursor2 = api.drain("articles", cursor)
    assert {a["id"]: a for a in items}[article_id] == updated.json()
    assert api.http.delete(f"/v1/admin/articles/{article_id}").status_code == 204
    items, deleted, _ = api.drain("articles", cursor2)
    assert items == []
    assert [t["id"] for t in deleted] == [article_id]


def _forge(cursor: str, **changes: object) -> str:
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw.update(changes)
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["not-a-cursor", "AAAA", "eyJ4IjogMX0", "!!bad!!", "x" * 600])
def test_malformed_cursor_is_400(api: Api, cursor: str) -> None:
    expect_problem(api.feed("conversations", cursor), 400, "invalid_cursor")


def test_a_cursor_of_another_feed_is_400(api: Api) -> None:
    _, _, cursor = api.drain("messages")
    expect_problem(api.feed("conversations", cursor), 400, "invalid_cursor")


@pytest.mark.reference  # the cursor format is private to the reference server
def test_a_cursor_of_a_recreated_database_is_410(api: Api) -> None:
    _, _, cursor = api.drain("conversations")
    expect_problem(
        api.feed("conversations", _forge(cursor, e="another-epoch")), 410, "cursor_expired"
    )


@pytest.mark.parametrize("limit", [0, 501, -1, "x"])
def test_limit_out_of_range_is_422(api: Api, limit: object) -> None:
    response = api.get("/v1/conversations/changes", params={"limit": limit})
    problem = expect_problem(response, 422, "validation_failed")
    assert problem.errors


@pytest.mark.test_hooks
def test_compaction_expires_older_cursors_with_410(api: Api) -> None:
    api.new_conversation()
    _, _, old = api.drain("conversations")
    _, _, old_messages = api.drain("messages")
    api.new_conversation()  # history after the old cursor, that compaction will drop
    response = api.post("/v1/admin/compact")
    assert response.status_code == 200, response.text
    expect_problem(api.feed("conversations", old), 410, "cursor_expired")
    expect_problem(api.feed("messages", old_messages), 410, "cursor_expired")
    # recovery: a new snapshot works, page by page, and its cursor keeps working
    items, _, fresh = api.drain("conversations", limit=2)
    assert items
    api.new_conversation()
    new_items, _, _ = api.drain("conversations", fresh)
    assert len(new_items) == 1
