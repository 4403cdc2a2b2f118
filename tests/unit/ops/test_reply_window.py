"""The customer-service window at the one send path, on a real SQLite store: once
WhatsApp's (or Messenger's) 24-hour window has closed a free-form reply is refused before
anything is written (the agent's words stay their draft, a held reply stays held), while a
note, a held reply and an approved template still go through."""

from __future__ import annotations

import pytest

from app.config.paths import resources_dir
from app.domain.errors import ReplyWindowClosedError
from app.domain.models import Channel, Message, MessageKind
from app.ops import held, outbox, reply, templates
from app.ops.reply import ReplyDraft
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation

DAY = 24 * 3600
AGE = 7200  # the customer's only message: two hours before NOW
CLOSED = NOW - AGE + DAY  # the moment the window closes
WORDS = "Your parcel left the warehouse today."


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")  # sends are queued
    return add_agents(repo)


def conversation(repo: Store, agents: dict[str, int], channel: Channel) -> int:
    return add_conversation(
        repo, Conv(customer="Lucía", language="es", channel=channel, age=AGE), agents
    )


@pytest.fixture
def whatsapp(repo: Store, agents: dict[str, int]) -> int:
    return conversation(repo, agents, Channel.WHATSAPP)


def free_form(words: str = WORDS) -> reply.Reply:
    """An untranslated agent reply, as the composer sends one."""
    made = ReplyDraft("en", False).reply(words)
    assert made is not None
    return made


def hold(repo: Store, cid: int, agents: dict[str, int], at: int) -> Message:
    reply.send(repo, cid, ReplyDraft("en", True).held(WORDS, "es"), agents["me"], at)
    message = repo.messages.messages(cid)[-1]
    assert message.held
    return message


def test_a_free_form_reply_after_the_window_closed_is_refused_and_kept_as_the_draft(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    before = repo.messages.messages(whatsapp)
    with pytest.raises(ReplyWindowClosedError) as refused:
        reply.send_or_keep_draft(repo, whatsapp, free_form(), agents["me"], CLOSED)
    message = str(refused.value)
    assert "24-hour reply window has closed" in message
    assert "Send an approved template instead." in message
    assert refused.value.template_allowed
    assert repo.messages.messages(whatsapp) == before  # nothing written, nothing queued
    assert repo.outbox.pending() == []
    draft = repo.drafts.draft(whatsapp)
    assert draft is not None and draft.body == WORDS  # the composer keeps the text


def test_the_same_reply_inside_the_window_is_sent(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    changes = reply.send(repo, whatsapp, free_form(), agents["me"], CLOSED - 60)  # a minute left
    assert changes.messages
    sent = repo.messages.messages(whatsapp)[-1]
    assert (sent.kind, sent.body) == (MessageKind.AGENT, WORDS)
    assert len(repo.outbox.pending()) == 1


def test_the_customers_new_message_reopens_the_window(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    later = CLOSED + 3600
    with pytest.raises(ReplyWindowClosedError):
        reply.send(repo, whatsapp, free_form(), agents["me"], later)
    repo.messages.add_message(whatsapp, MessageKind.CUSTOMER, "¿Hola?", later + 10)
    reply.send(repo, whatsapp, free_form(), agents["me"], later + 20)
    assert repo.messages.messages(whatsapp)[-1].body == WORDS


def test_a_note_is_allowed_after_the_window_closed(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    reply.send(repo, whatsapp, reply.note("Asked the courier."), agents["me"], CLOSED + DAY)
    stored = repo.messages.messages(whatsapp)[-1]
    assert (stored.kind, stored.body) == (MessageKind.NOTE, "Asked the courier.")


def test_an_approved_template_is_allowed_after_the_window_closed(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    templates.load_templates_file(repo, resources_dir() / "demo" / "templates.yaml", NOW)
    template = repo.templates.template("order-update-es")
    assert template is not None
    filled = templates.template_reply(template, {"1": "Lucía", "2": "ES-778"})
    templates.send_template(repo, whatsapp, filled, agents["me"], CLOSED + DAY)
    stored = repo.messages.messages(whatsapp)[-1]
    assert stored.kind is MessageKind.AGENT and "ES-778" in stored.body
    (operation,) = repo.outbox.pending()
    assert operation.payload["template"]["id"] == "order-update-es"


def test_a_held_reply_cannot_be_released_once_the_window_closed(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    message = hold(repo, whatsapp, agents, NOW)  # holding sends nothing: allowed any time
    queued = repo.outbox.pending()
    with pytest.raises(ReplyWindowClosedError) as refused:
        reply.release_held(repo, message, "Su paquete salió hoy.", agents["colleague"], CLOSED)
    assert "approved template" in str(refused.value)
    still = repo.messages.messages(whatsapp)[-1]
    assert still.id == message.id and still.held  # it stays held, as it was
    assert still.original_body == WORDS
    assert held.TAG in repo.conversations.conversation_row(whatsapp).tags
    assert "released" not in [e.kind for e in repo.events.for_conversation(whatsapp)]
    assert repo.outbox.pending() == queued  # nothing sent to the server


def test_a_held_reply_is_released_inside_the_window(
    repo: Store, whatsapp: int, agents: dict[str, int]
) -> None:
    message = hold(repo, whatsapp, agents, NOW)
    reply.release_held(repo, message, "Su paquete salió hoy.", agents["colleague"], CLOSED - 1)
    sent = repo.messages.messages(whatsapp)[-1]
    assert sent.id == message.id and not sent.held and sent.body == "Su paquete salió hoy."
    provenance = Provenance.from_json(sent.provenance)
    assert provenance is not None and provenance.kind == ProvenanceKind.HUMAN
    assert held.TAG not in repo.conversations.conversation_row(whatsapp).tags


def test_messenger_refuses_without_offering_a_template(repo: Store, agents: dict[str, int]) -> None:
    cid = conversation(repo, agents, Channel.MESSENGER)
    with pytest.raises(ReplyWindowClosedError) as refused:
        reply.send(repo, cid, free_form(), agents["me"], CLOSED)
    assert not refused.value.template_allowed
    assert "until the customer writes again" in str(refused.value)


def test_a_channel_without_a_window_is_never_refused(repo: Store, agents: dict[str, int]) -> None:
    cid = conversation(repo, agents, Channel.EMAIL)
    reply.send(repo, cid, free_form(), agents["me"], CLOSED + 30 * DAY)
    assert repo.messages.messages(cid)[-1].body == WORDS


def test_a_customer_who_never_wrote_on_whatsapp_gets_no_free_form_reply(
    repo: Store, agents: dict[str, int]
) -> None:
    conv = Conv(customer="Ana", channel=Channel.WHATSAPP, messages=[(MessageKind.NOTE, "lead")])
    cid = add_conversation(repo, conv, agents)
    with pytest.raises(ReplyWindowClosedError):
        reply.send(repo, cid, free_form(), agents["me"], NOW)
