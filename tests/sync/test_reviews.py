"""Quality review over real HTTP: a lead on one desk annotates and scores a conversation,
another lead's desk sees it, and the reviewed agent sees it only once it is published;
edits, deletions and the rubric travel through the outbox, a review changed on two desks
is a conflict the lead decides, survey answers reach every desk."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.domain.models import Status
from app.domain.review import AnnotationKind, ReviewState, Severity
from app.ops import review, sync_problems
from app.ops.review import default_rubric
from app.storage.store import Store
from tests.contract.client import Api, new_id
from tests.contract.server import ADMIN_ID, AGENT_ID
from tests.sync.accounts import add_password_account
from tests.sync.conftest import DeskFactory, ProxyFactory, Reference, assert_syncs_without
from tests.sync.harness import Desk
from tests.sync.proxy import DropAfterForward

LEAD_ID = "sync-lead"
LEAD_PASSWORD = "lead-password-1"


def _lead_account(reference: Reference) -> None:
    add_password_account(reference, LEAD_ID, "Liu Yang", "lead", LEAD_PASSWORD)


@pytest.fixture
def desks(reference: Reference, make_desk: DeskFactory) -> tuple[Desk, Desk, Desk]:
    """Liu (a lead, password), the admin's desk (API token) and the agent's desk."""
    _lead_account(reference)
    lead = make_desk("lead", agent_id=LEAD_ID, password=LEAD_PASSWORD)
    other = make_desk("admin", agent_id=ADMIN_ID, api_token=reference.admin_token)
    agent = make_desk("agent")
    return lead, other, agent


def _answered(admin: Api, agent: Desk) -> tuple[str, str]:
    """A customer writes in and the agent answers: (conversation uid, customer message uid)."""
    message_uid = new_id("msg")
    uid = admin.new_conversation(message_id=message_uid)["id"]
    agent.synced()
    agent.reply(uid, "Your order ships tomorrow.")
    agent.synced()
    return uid, message_uid


def _local_message(desk: Desk, message_uid: str) -> int:
    rows = desk.query("SELECT id FROM messages WHERE uid = ?", (message_uid,))
    assert rows, f"{message_uid} is not on this desk"
    return int(rows[0][0])


def _me(repo: Store) -> int | None:
    return review.me_id(repo)


def _server(admin: Api, collection: str) -> dict[str, dict[str, object]]:
    items, _, _ = admin.drain(collection)
    return {item["id"]: item for item in items}


def test_a_lead_reviews_on_one_desk_and_it_reaches_the_others(
    admin: Api, desks: tuple[Desk, Desk, Desk]
) -> None:
    lead, other, agent = desks
    uid, message_uid = _answered(admin, agent)
    lead.synced()
    local = lead.conversation_id(uid)
    message_local = _local_message(lead, message_uid)
    assert lead.runner.store_call(review.is_lead)  # the roles came from the server
    assert not agent.runner.store_call(review.is_lead)

    def annotate_and_score(repo: Store) -> None:
        now = lead.clock()
        draft, _ = review.open_review(repo, local, _me(repo), now)
        review.add_annotation(
            repo,
            local,
            message_local,
            AnnotationKind.MISTRANSLATION,
            Severity.MAJOR,
            "“Pedido” is the order here.",
            _me(repo),
            now,
            correction="Where is my order?",
        )
        review.update_review(repo, draft.id, now, scores={"greeting": 3, "solution": 4})

    lead.runner.store_call(annotate_and_score)
    report = lead.synced()
    assert report.pushed == 2 and lead.outbox() == []

    (on_server,) = [r for r in _server(admin, "reviews").values() if r["conversation_id"] == uid]
    assert on_server["scores"] == {"greeting": 3, "solution": 4}
    assert (on_server["reviewer_id"], on_server["reviewed_agent_id"]) == (LEAD_ID, AGENT_ID)
    assert on_server["state"] == "draft"
    notes = [a for a in _server(admin, "annotations").values() if a["conversation_id"] == uid]
    assert [(a["message_id"], a["correction"]) for a in notes] == [
        (message_uid, "Where is my order?")
    ]

    # another lead's desk has the scorecard and the annotation, attributed to Liu
    other.synced()
    other_local = other.conversation_id(uid)
    seen = other.runner.store_call(lambda repo: review.review_of(repo, other_local))
    assert seen is not None and dict(seen.scores) == {"greeting": 3, "solution": 4}
    assert seen.reviewer_name == "Liu Yang"
    (note,) = other.runner.store_call(lambda repo: review.annotations_of(repo, other_local))
    assert (note.kind, note.correction, note.author_name) == (
        AnnotationKind.MISTRANSLATION,
        "Where is my order?",
        "Liu Yang",
    )
    assert other.outbox() == []  # what came from the server is not sent back

    # the agent sees nothing of a draft; once published, the feedback and its notes
    agent.synced()
    agent_local = agent.conversation_id(uid)
    assert agent.runner.store_call(lambda repo: review.review_of(repo, agent_local)) is None
    edit_review(lead, uid, state=ReviewState.DONE)
    lead.synced()
    agent.synced()
    me = agent.runner.store_call(_me)
    assert me is not None
    feedback = agent.runner.store_call(lambda repo: review.feedback(repo, me))
    assert [(f.conversation_id, f.state, dict(f.scores)) for f in feedback] == [
        (agent_local, ReviewState.DONE, {"greeting": 3, "solution": 4})
    ]
    notes_seen = agent.runner.store_call(lambda repo: review.annotations_of(repo, agent_local))
    assert [n.correction for n in notes_seen] == ["Where is my order?"]


def edit_review(desk: Desk, uid: str, **changes: Any) -> None:
    """A lead changes the conversation's review on this desk (as the review pane does)."""
    local = desk.conversation_id(uid)
    found = desk.runner.store_call(lambda repo: review.review_of(repo, local))
    assert found is not None
    desk.runner.store_call(
        lambda repo: review.update_review(repo, found.id, desk.clock(), **changes)
    )


def test_a_deleted_annotation_leaves_every_desk(admin: Api, desks: tuple[Desk, Desk, Desk]) -> None:
    lead, other, agent = desks
    uid, message_uid = _answered(admin, agent)
    lead.synced()
    local = lead.conversation_id(uid)
    message_local = _local_message(lead, message_uid)

    def annotate(repo: Store) -> None:
        review.add_annotation(
            repo,
            local,
            message_local,
            AnnotationKind.TONE,
            Severity.MINOR,
            "A little abrupt.",
            _me(repo),
            lead.clock(),
        )

    lead.runner.store_call(annotate)
    lead.synced()
    other.synced()
    assert other.query("SELECT count(*) FROM annotations") == [(1,)]
    (note,) = lead.runner.store_call(lambda repo: review.annotations_of(repo, local))
    lead.runner.store_call(lambda repo: review.delete_annotation(repo, note.id, _me(repo)))
    assert [op.op for op in lead.outbox()] == ["delete_annotation"]
    lead.synced()
    assert lead.outbox() == []
    assert [a for a in _server(admin, "annotations").values() if a["conversation_id"] == uid] == []
    other.synced()
    assert other.query("SELECT count(*) FROM annotations") == [(0,)]


def test_an_edit_on_a_stale_review_is_a_conflict_the_lead_decides(
    admin: Api, desks: tuple[Desk, Desk, Desk]
) -> None:
    lead, other, agent = desks
    uid, _ = _answered(admin, agent)
    lead.synced()
    local = lead.conversation_id(uid)
    lead.runner.store_call(lambda repo: review.open_review(repo, local, _me(repo), lead.clock()))
    lead.synced()
    other.synced()
    # both leads change the comment; the admin's desk syncs first
    edit_review(other, uid, comment="Good recovery.")
    other.synced()
    edit_review(lead, uid, comment="Too slow.")
    report = lead.synced()
    assert report.conflicts == 1
    (operation,) = lead.outbox()
    assert operation.op == "put_review" and operation.state == "conflict"
    assert operation.conflict is not None and operation.conflict["comment"] == "Good recovery."
    review_uid = str(operation.conflict["id"])
    # nothing was overwritten: the server keeps the other lead's comment, Liu sees theirs
    assert _server(admin, "reviews")[review_uid]["comment"] == "Good recovery."
    # Liu keeps theirs: sent on top of the server's version
    lead.runner.store_call(lambda repo: sync_problems.keep_mine(repo, operation.id))
    lead.synced()
    assert lead.outbox() == []
    assert _server(admin, "reviews")[review_uid]["comment"] == "Too slow."
    # the other desk now edits on a stale copy, and takes the server's
    edit_review(other, uid, comment="Mine instead.")
    other.synced()
    (conflict,) = other.outbox()
    other.runner.store_call(lambda repo: sync_problems.keep_theirs(repo, conflict.id))
    assert other.outbox() == []
    other_local = other.conversation_id(uid)
    taken = other.runner.store_call(lambda repo: review.review_of(repo, other_local))
    assert taken is not None and taken.comment == "Too slow."
    other.synced()
    assert other.outbox() == [] and _server(admin, "reviews")[review_uid]["comment"] == "Too slow."


def test_the_team_rubric_syncs_and_an_agent_cannot_push_one(
    admin: Api, desks: tuple[Desk, Desk, Desk]
) -> None:
    lead, other, _agent = desks
    base = default_rubric()
    edited = replace(
        base,
        name="Cross-border QA (EU)",
        criteria=tuple(
            replace(c, weight=40.0) if c.key == "solution" else c for c in base.criteria
        ),
    )
    lead.runner.store_call(lambda repo: review.save_rubric(repo, edited, lead.clock()))
    lead.synced()
    server = _server(admin, "rubrics")[base.uid]
    assert server["name"] == "Cross-border QA (EU)"
    assert {c["key"]: c["weight"] for c in server["criteria"]}["solution"] == 40.0
    other.synced()
    mirrored = other.runner.store_call(review.rubric)
    assert mirrored.name == "Cross-border QA (EU)"
    assert mirrored.criterion("solution") is not None
    assert mirrored.criterion("solution").weight == 40.0  # type: ignore[union-attr]


def test_survey_answers_reach_every_desk(admin: Api, desks: tuple[Desk, Desk, Desk]) -> None:
    _lead, _other, agent = desks
    uid, _ = _answered(admin, agent)
    answer = {
        "id": new_id("sv"),
        "conversation_id": uid,
        "kind": "csat",
        "score": 2,
        "comment": "Slow answer",
        "answered_at": 1_700_000_000,
    }
    assert admin.post("/v1/inbound/survey-answers", answer).status_code == 201
    report = agent.synced()
    assert report.changes.reviews
    local = agent.conversation_id(uid)
    (stored,) = agent.runner.store_call(lambda repo: repo.surveys.answers(local))
    assert (stored.uid, stored.kind, stored.score, stored.comment) == (
        answer["id"],
        "csat",
        2,
        "Slow answer",
    )
    agent.set_status(uid, Status.RESOLVED)  # the agent's own changes still go out
    agent.synced()
    assert agent.outbox() == []


def test_a_backend_without_review_feeds_still_syncs(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    assert_syncs_without("/v1/rubrics/changes", admin, make_desk, make_proxy)


def test_a_review_written_offline_is_sent_once_even_when_its_answer_is_lost(
    admin: Api, reference: Reference, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    _lead_account(reference)
    agent = make_desk("agent")
    uid, _ = _answered(admin, agent)
    proxy = make_proxy()
    lead = make_desk("lead", url=proxy.base_url, agent_id=LEAD_ID, password=LEAD_PASSWORD)
    lead.synced()
    local = lead.conversation_id(uid)

    proxy.offline = True
    lead.runner.store_call(lambda repo: review.open_review(repo, local, _me(repo), lead.clock()))
    edit_review(lead, uid, scores={"empathy": 4}, comment="Kind and clear.")
    report = lead.sync()
    assert not report.online and report.pending == 1  # kept in the outbox, offline
    (queued,) = lead.outbox()
    assert queued.op == "put_review"

    proxy.offline = False
    proxy.requests.clear()  # the tries made offline never reached the server
    path = f"/v1/reviews/{queued.payload['uid']}"
    proxy.on("PUT", path, DropAfterForward())  # stored on the server, the answer lost
    lead.synced()
    puts = proxy.seen("PUT", path)
    assert len(puts) == 2 and len({p.headers["idempotency-key"] for p in puts}) == 1
    on_server = [r for r in _server(admin, "reviews").values() if r["conversation_id"] == uid]
    assert [(r["version"], r["comment"], r["scores"]) for r in on_server] == [
        (1, "Kind and clear.", {"empathy": 4})
    ]
    assert lead.outbox() == []
    assert lead.query("SELECT version, server_version FROM reviews") == [(1, 1)]
