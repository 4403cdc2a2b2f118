"""The review sync's bookkeeping on a real store: which rows hold unsent edits, an
acknowledgement that finds the row edited meanwhile keeps it dirty, a pull never
overwrites an unsent edit, tombstones take the row and its queued operations along."""

from __future__ import annotations

from typing import Any

from app.domain.models import MessageKind
from app.domain.review import Role
from app.ops import review
from app.storage.store import Store
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia


def _reviewed(repo: Store) -> tuple[int, str]:
    """A conversation with a draft review by "me" (a lead): (review id, review uid)."""
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.LEAD])
    conversation = add_conversation(
        repo, lucia((MessageKind.CUSTOMER, "hola"), (MessageKind.AGENT, "hola Lucía")), agents
    )
    draft, _ = review.open_review(repo, conversation, agents["me"], NOW)
    return draft.id, draft.uid


def _wire(uid: str, conversation_uid: str, version: int, comment: str) -> dict[str, Any]:
    return {
        "id": uid,
        "version": version,
        "conversation_id": conversation_uid,
        "reviewer_id": "me",
        "reviewed_agent_id": None,
        "rubric_id": "default",
        "scores": {"greeting": 2},
        "total": 50.0,
        "comment": comment,
        "state": "draft",
        "created_at": NOW,
        "updated_at": NOW + version,
    }


def test_a_new_review_is_dirty_until_acknowledged_and_queued_once(repo: Store) -> None:
    review_id, uid = _reviewed(repo)
    (dirty,) = repo.remote_reviews.dirty()
    assert (dirty.op, dirty.uid, dirty.server_version) == ("put_review", uid, None)
    repo.outbox.enqueue(dirty.conversation_uid, dirty.op, {"uid": uid}, NOW)
    assert repo.remote_reviews.dirty() == []  # queued: not queued twice
    built = repo.remote_reviews.body("reviews", uid)
    assert built is not None and built[1]["conversation_id"] == dirty.conversation_uid
    assert repo.remote_reviews.acknowledge("reviews", uid, built[0], 1) is True
    repo.outbox.done(repo.outbox.pending()[0].id)
    assert repo.remote_reviews.dirty() == []
    review.update_review(repo, review_id, NOW + 5, comment="edited")
    assert [d.server_version for d in repo.remote_reviews.dirty()] == [1]


def test_an_edit_made_while_the_request_was_in_flight_stays_to_be_sent(repo: Store) -> None:
    review_id, uid = _reviewed(repo)
    built = repo.remote_reviews.body("reviews", uid)
    assert built is not None
    review.update_review(repo, review_id, NOW + 5, comment="written meanwhile")
    assert repo.remote_reviews.acknowledge("reviews", uid, built[0], 1) is False
    (dirty,) = repo.remote_reviews.dirty()
    assert dirty.server_version == 1  # the next send goes on top of the server's version
    assert repo.remote_reviews.body("reviews", uid)[1]["comment"] == "written meanwhile"  # type: ignore[index]


def test_a_pull_never_overwrites_an_unsent_edit_and_takes_newer_versions(repo: Store) -> None:
    review_id, uid = _reviewed(repo)
    conversation_uid = repo.remote_reviews.dirty()[0].conversation_uid
    built = repo.remote_reviews.body("reviews", uid)
    assert built is not None
    repo.remote_reviews.acknowledge("reviews", uid, built[0], 1)
    review.update_review(repo, review_id, NOW + 5, comment="mine, unsent")
    repo.remote_reviews.upsert_reviews([_wire(uid, conversation_uid, 2, "theirs")])
    assert repo.reviews.review(review_id).comment == "mine, unsent"  # type: ignore[union-attr]
    # clean again (say the lead took the server's copy): newer versions apply, older not
    repo.remote_reviews.take_server_copy("put_review", _wire(uid, conversation_uid, 2, "theirs"))
    assert repo.reviews.review(review_id).comment == "theirs"  # type: ignore[union-attr]
    repo.remote_reviews.upsert_reviews([_wire(uid, conversation_uid, 1, "stale replay")])
    assert repo.reviews.review(review_id).comment == "theirs"  # type: ignore[union-attr]
    repo.remote_reviews.upsert_reviews([_wire(uid, conversation_uid, 3, "newer")])
    assert repo.reviews.review(review_id).comment == "newer"  # type: ignore[union-attr]
    assert repo.remote_reviews.dirty() == []


def test_a_tombstone_takes_the_row_and_its_queued_operations(repo: Store) -> None:
    review_id, uid = _reviewed(repo)
    dirty = repo.remote_reviews.dirty()[0]
    repo.outbox.enqueue(dirty.conversation_uid, dirty.op, {"uid": uid}, NOW)
    touched = repo.remote_reviews.remove("reviews", [uid, "not-here"])
    assert repo.reviews.review(review_id) is None
    assert repo.outbox.pending() == []
    assert len(touched) == 1
