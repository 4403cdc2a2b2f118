"""The human-translation hold as a workflow, on a real SQLite store: a held reply keeps its
conversation in the Needs translation queue whatever its status, can be given to a
colleague, leaves no tag once sent or taken back, and stays on this computer until sent."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.config.paths import resources_dir
from app.contract.demo_schema import MessageSpec
from app.domain.filters import InboxQuery
from app.domain.models import Message, MessageKind, Status
from app.ops import held, outbox, reply
from app.ops.demo import load_demo_into
from app.ops.reply import Outgoing, Reply, ReplyDraft
from app.storage.store import Store
from app.storage.sync_store import SEND
from app.translation.pipeline import Provenance, ProvenanceKind
from tests.helpers.builders import NOW


@pytest.fixture
def ids(repo: Store, standard_inbox: dict[str, int]) -> dict[str, int]:
    return standard_inbox


def agent_id(repo: Store, uid: str) -> int:
    agent = repo.conversations.agent_by_uid(uid)
    assert agent is not None
    return agent.id


def hold(
    repo: Store, cid: int, words: str = "We will refund you in full.", at: int = NOW
) -> Message:
    """The agent holds a reply for a translator (as the composer's button does)."""
    reply.send(repo, cid, ReplyDraft("en", True).held(words, "es-MX"), agent_id(repo, "me"), at)
    message = repo.messages.messages(cid)[-1]
    assert message.held
    return message


def needs_translation(repo: Store, me: int | None = None) -> list[int]:
    """The queue as the inbox lists it under its default statuses (open and pending)."""
    return list(repo.conversations.conversation_ids(InboxQuery(held=True), me, NOW))


def search(repo: Store, text: str) -> list[int]:
    query = InboxQuery(statuses=frozenset(Status), search=text)
    return list(repo.conversations.conversation_ids(query, None, NOW))


def test_holding_in_a_resolved_conversation_reopens_it_into_the_queue(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Somchai Dee"]
    assert repo.conversations.conversation_row(cid).status is Status.RESOLVED
    assert needs_translation(repo) == []
    hold(repo, cid)
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN
    assert held.TAG in row.tags
    assert held.conversation_ids(repo) == (cid,)
    assert needs_translation(repo) == [cid]
    assert repo.queues.counts(None, NOW).held == 1
    assert "held" in [e.kind for e in repo.events.for_conversation(cid)]


def test_holding_in_a_snoozed_or_pending_conversation_brings_it_back(
    repo: Store, ids: dict[str, int]
) -> None:
    for name in ("Priya Sharma", "Fatima Al-Harbi"):
        hold(repo, ids[name])
        row = repo.conversations.conversation_row(ids[name])
        assert (row.status, row.snoozed_until) == (Status.OPEN, None)
    assert sorted(needs_translation(repo)) == sorted([ids["Priya Sharma"], ids["Fatima Al-Harbi"]])


def test_a_held_reply_given_to_a_colleague_is_in_their_queue_and_named(
    repo: Store, ids: dict[str, int]
) -> None:
    cid, colleague, me = ids["Carlos Pérez"], agent_id(repo, "colleague"), agent_id(repo, "me")
    message = hold(repo, cid)
    assert held.for_agent(repo, colleague) == ()
    changes = held.assign(repo, message.id, colleague, me, NOW + 10)
    assert changes.names(cid) and changes.messages and changes.list_membership
    shown = repo.messages.messages(cid)[-1]
    assert (shown.held_for_agent_id, shown.held_for_name) == (colleague, "Carl Colleague")
    (waiting,) = held.for_agent(repo, colleague)
    assert (waiting.message_id, waiting.conversation_id) == (message.id, cid)
    assert waiting.customer_name == "Carlos Pérez"
    assert held.for_agent(repo, me) == ()
    assert held.conversation_ids(repo, for_agent=colleague) == (cid,)
    assert held.conversation_ids(repo, for_agent=me) == ()
    event = repo.events.for_conversation(cid)[-1]
    assert (event.kind, event.actor_name, event.detail) == (
        held.ASSIGNED_EVENT,
        "Mei Agent",
        {"to": "Carl Colleague"},
    )


def test_giving_a_hold_to_nobody_or_to_a_stranger(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Carlos Pérez"]
    message = hold(repo, cid)
    with pytest.raises(held.UnknownAgentError):
        held.assign(repo, message.id, 9999, None, NOW)
    held.assign(repo, message.id, agent_id(repo, "colleague"), None, NOW)
    held.assign(repo, message.id, None, None, NOW + 1)
    assert repo.messages.messages(cid)[-1].held_for_agent_id is None


def test_release_removes_the_tag_and_the_assignee_and_the_queue_drops(
    repo: Store, ids: dict[str, int]
) -> None:
    cid, colleague = ids["Carlos Pérez"], agent_id(repo, "colleague")
    message = hold(repo, cid)
    held.assign(repo, message.id, colleague, None, NOW)
    changes = reply.release_held(repo, message, "Le reembolsaremos todo.", colleague, NOW + 60)
    assert changes.choices and changes.list_membership  # the tag menus and the queue move
    sent = repo.messages.messages(cid)[-1]
    assert not sent.held and sent.held_for_agent_id is None
    assert held.TAG not in repo.conversations.conversation_row(cid).tags
    assert held.for_agent(repo, colleague) == ()
    assert needs_translation(repo) == [] and repo.queues.counts(None, NOW).held == 0


def test_the_tag_stays_while_another_reply_of_the_conversation_is_held(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Carlos Pérez"]
    first = hold(repo, cid, "First answer.")
    second = hold(repo, cid, "Second answer.", NOW + 5)
    reply.release_held(repo, first, "Primera respuesta.", None, NOW + 60)
    assert held.TAG in repo.conversations.conversation_row(cid).tags
    assert needs_translation(repo) == [cid]
    reply.release_held(repo, second, "Segunda respuesta.", None, NOW + 70)
    assert held.TAG not in repo.conversations.conversation_row(cid).tags
    assert needs_translation(repo) == []


def test_a_reply_is_released_once_even_from_a_stale_copy(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Carlos Pérez"]
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    message = hold(repo, cid)
    reply.release_held(repo, message, "Una vez.", None, NOW + 60)
    with pytest.raises(held.NotHeldError):  # a second window still shows it held
        reply.release_held(repo, message, "Dos veces.", None, NOW + 61)
    assert [op.op for op in repo.outbox.pending()].count(SEND) == 1
    assert repo.messages.messages(cid)[-1].body == "Una vez."


def test_cancel_puts_the_words_back_in_the_draft_after_what_is_being_typed(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Carlos Pérez"]
    count = len(repo.messages.messages(cid))
    message = hold(repo, cid, "We will reimburse you in full.")
    assert search(repo, "reimburse") == [cid]
    changes = held.cancel(repo, message.id, "P.S. thanks for waiting", NOW + 30)
    assert changes.names(cid) and changes.messages and changes.choices
    assert len(repo.messages.messages(cid)) == count
    draft = repo.drafts.draft(cid)
    assert draft is not None and draft.kind is MessageKind.AGENT
    assert draft.body == "P.S. thanks for waiting\n\nWe will reimburse you in full."
    assert held.TAG not in repo.conversations.conversation_row(cid).tags
    assert needs_translation(repo) == []
    assert repo.events.for_conversation(cid)[-1].kind == held.CANCELLED_EVENT
    assert search(repo, "reimburse") == []  # the taken-back words are not in the thread
    with pytest.raises(held.NotHeldError):
        held.cancel(repo, message.id, "", NOW + 31)


def test_cancel_of_an_edited_hold_gives_back_the_agents_words(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Carlos Pérez"]
    edited = Provenance(ProvenanceKind.HUMAN_EDITED, source_language="en", target_language="es")
    kept = Reply(
        MessageKind.AGENT, "Thanks a lot", "en", Outgoing("mil gracias", "es-MX", edited), held=True
    )
    reply.send(repo, cid, kept, None, NOW)
    message = repo.messages.messages(cid)[-1]
    held.cancel(repo, message.id, "", NOW + 1)
    draft = repo.drafts.draft(cid)
    assert draft is not None and draft.body == "Thanks a lot"


def test_a_held_reply_stays_on_this_computer_until_it_is_released(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Somchai Dee"]
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    message = hold(repo, cid)
    held.assign(repo, message.id, agent_id(repo, "colleague"), None, NOW)
    pending = repo.outbox.pending()
    assert SEND not in [op.op for op in pending]  # the words are not sent anywhere
    patches = [op.payload["patch"] for op in pending]
    assert {"tags": {"add": [held.TAG]}} in patches and {"status": "open"} in patches
    assert repo.messages.messages(cid)[-1].delivery is None
    held.cancel(repo, message.id, "", NOW + 1)
    pending = repo.outbox.pending()
    assert SEND not in [op.op for op in pending]
    assert pending[-1].payload["patch"] == {"tags": {"remove": [held.TAG]}}


def test_translators_who_wrote_the_language_come_first(repo: Store, ids: dict[str, int]) -> None:
    colleague = agent_id(repo, "colleague")
    repo.conversations.upsert_agent("zoe", "Zoe Zed", None)
    cid = ids["Carlos Pérez"]
    reply.send(
        repo,
        cid,
        Reply(
            MessageKind.AGENT,
            "thanks",
            "en",
            Outgoing(
                "gracias",
                "es-MX",
                Provenance(ProvenanceKind.HUMAN, source_language="en", target_language="es"),
            ),
        ),
        colleague,
        NOW,
    )
    names = [(t.name, t.replies) for t in held.translators(repo, "es-ES")]
    assert names == [("Carl Colleague", 1), ("Mei Agent", 0), ("Zoe Zed", 0)]
    assert [t.name for t in held.translators(repo, None)] == [
        "Carl Colleague",
        "Mei Agent",
        "Zoe Zed",
    ]
    assert [t.replies for t in held.translators(repo, "%")] == [0, 0, 0]  # not a language


def test_joined_draft_never_replaces_what_is_typed() -> None:
    assert held.joined_draft("", "words") == "words"
    assert held.joined_draft("  \n", "words") == "words"
    assert held.joined_draft("typed\n", "words") == "typed\n\nwords"


def test_the_demo_has_a_reply_waiting_for_a_colleagues_translation(repo: Store) -> None:
    load_demo_into(repo, resources_dir() / "demo", NOW)
    cid = repo.conversations.conversation_id_by_uid("kr-0004")
    assert cid is not None
    assert held.conversation_ids(repo) == (cid,)
    (waiting,) = held.for_agent(repo, agent_id(repo, "chen.jing"))
    assert waiting.conversation_id == cid and waiting.language == "ko"
    message = repo.messages.messages(cid)[-1]
    assert message.held and message.original_language == "en"
    assert message.body.startswith("Dear Mr Choi")
    assert message.held_for_name == "陈静 Chen Jing"
    assert held.TAG in repo.conversations.conversation_row(cid).tags


def test_a_demo_hold_must_be_an_agents_reply_for_an_agent() -> None:
    with pytest.raises(ValidationError):
        MessageSpec.model_validate({"from": "customer", "at": "-1h", "text": "x", "held": True})
    with pytest.raises(ValidationError):
        MessageSpec.model_validate(
            {"from": "agent:li.wei", "at": "-1h", "text": "x", "held_for": "a"}
        )
