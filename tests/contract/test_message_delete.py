"""Deleting one message: ``DELETE /v1/conversations/{id}/messages/{message_id}``.

A backend may delete single messages (moderation, erasure of one message); what every
client relies on is the tombstone in the messages feed, the other messages keeping
their seqs, and the deleted seq never given again. The route itself is how the
reference server deletes (a backend may do it its own way), hence ``reference``.
"""

from __future__ import annotations

import hashlib

import pytest

from tests.contract.client import Api, expect_problem, new_id
from tests.contract.test_attachments import unique_png, uploaded

pytestmark = pytest.mark.reference


def _reply(api: Api, conversation_id: str, body: str) -> dict:
    message = {"id": new_id("reply"), "kind": "agent", "body": body}
    response = api.post(f"/v1/conversations/{conversation_id}/messages", message)
    assert response.status_code == 201, response.text
    return response.json()


def _delete(api: Api, conversation_id: str, message_id: str) -> int:
    path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
    return api.delete(path, if_match=None).status_code


def _seqs(api: Api, conversation_id: str) -> list[tuple[str, int]]:
    response = api.get(f"/v1/conversations/{conversation_id}/messages")
    assert response.status_code == 200, response.text
    return [(m["id"], m["seq"]) for m in response.json()["items"]]


def test_a_deleted_message_leaves_a_tombstone_and_the_others_keep_their_seqs(api: Api) -> None:
    conversation = api.new_conversation()
    cid = conversation["id"]
    first, second = _reply(api, cid, "One."), _reply(api, cid, "Two.")
    before = api.conversation(cid).json()
    *_, cursor = api.drain("messages")

    response = api.delete(f"/v1/conversations/{cid}/messages/{first['id']}", if_match=None)

    assert response.status_code == 204, response.text
    assert response.content == b""
    seqs = _seqs(api, cid)
    assert (first["id"], first["seq"]) not in seqs
    assert seqs[-1] == (second["id"], second["seq"])  # a gap at first's seq, nothing moved
    assert [seq for _, seq in seqs] == [1, 3]
    items, deleted, _ = api.drain("messages", cursor)
    assert [t["id"] for t in deleted] == [first["id"]]
    assert deleted[0]["reason"] == "deleted" and deleted[0]["deleted_at"] > 0
    assert first["id"] not in [m["id"] for m in items]
    after = api.conversation(cid).json()  # the conversation record does not change
    assert after == before


def test_the_seq_of_a_deleted_newest_message_is_never_given_again(api: Api) -> None:
    cid = api.new_conversation()["id"]
    newest = _reply(api, cid, "Removed by a moderator.")
    assert _delete(api, cid, newest["id"]) == 204
    assert api.conversation(cid).json()["last_message_seq"] == newest["seq"]

    following = _reply(api, cid, "Next.")

    assert following["seq"] == newest["seq"] + 1
    assert api.conversation(cid).json()["last_message_seq"] == following["seq"]


def test_deleting_again_is_204_and_a_retry_replays(api: Api) -> None:
    cid = api.new_conversation()["id"]
    message = _reply(api, cid, "Twice.")
    path = f"/v1/conversations/{cid}/messages/{message['id']}"
    first = api.delete(path, if_match=None, key="delete-once-" + message["id"])
    retry = api.delete(path, if_match=None, key="delete-once-" + message["id"])
    again = api.delete(path, if_match=None)  # a new key: the deletion is remembered

    assert (first.status_code, retry.status_code, again.status_code) == (204, 204, 204)
    assert retry.headers.get("Idempotent-Replayed") == "true"
    _, deleted, _ = api.drain("messages")
    assert [t["id"] for t in deleted].count(message["id"]) == 1


def test_unknown_messages_are_404(api: Api) -> None:
    cid = api.new_conversation()["id"]
    other = api.new_conversation()
    other_message = _seqs(api, other["id"])[0][0]
    expect_problem(
        api.delete(f"/v1/conversations/{cid}/messages/{new_id('nope')}", if_match=None),
        404,
        "not_found",
    )
    # a message of another conversation is not this conversation's to delete
    expect_problem(
        api.delete(f"/v1/conversations/{cid}/messages/{other_message}", if_match=None),
        404,
        "not_found",
    )
    assert _seqs(api, other["id"])[0][0] == other_message


def test_deleting_needs_an_idempotency_key(api: Api) -> None:
    cid = api.new_conversation()["id"]
    message_id = _seqs(api, cid)[0][0]
    path = f"/v1/conversations/{cid}/messages/{message_id}"
    expect_problem(api.delete(path, if_match=None, key=None), 400, "idempotency_key_missing")
    assert _seqs(api, cid)[0][0] == message_id


def test_agents_cannot_delete_messages(api: Api, agent_api: Api) -> None:
    cid = api.new_conversation()["id"]
    message_id = _seqs(api, cid)[0][0]
    path = f"/v1/conversations/{cid}/messages/{message_id}"
    expect_problem(agent_api.delete(path, if_match=None), 403, "forbidden")
    assert [m for m, _ in _seqs(api, cid)] == [message_id]


def test_a_deleted_message_takes_its_files_with_it(api: Api) -> None:
    photo = unique_png()
    uploaded(api, photo, "image/png")
    sha = hashlib.sha256(photo).hexdigest()
    delivered = api.inbound(attachments=[{"id": sha, "filename": "id-card.png"}])
    assert delivered.status_code == 201, delivered.text
    result = delivered.json()
    assert api.get(f"/v1/attachments/{sha}").status_code == 200

    assert _delete(api, result["conversation"]["id"], result["message"]["id"]) == 204

    assert api.get(f"/v1/attachments/{sha}").status_code == 404


def test_annotations_on_a_deleted_message_go_with_it(api: Api) -> None:
    cid = api.new_conversation()["id"]
    message = _reply(api, cid, "Reviewed, then removed.")
    *_, cursor = api.drain("annotations")
    annotation_id = new_id("ann")
    note = {
        "conversation_id": cid,
        "message_id": message["id"],
        "kind": "note",
        "severity": "minor",
        "body": "Tone is fine.",
    }
    assert api.put(f"/v1/annotations/{annotation_id}", note).status_code == 201

    assert _delete(api, cid, message["id"]) == 204

    _, deleted, _ = api.drain("annotations", cursor)
    assert [t["id"] for t in deleted] == [annotation_id]
