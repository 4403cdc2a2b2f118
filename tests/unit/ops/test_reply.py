"""The reply pipeline without Qt: the draft's rules (what is sent, when Send is blocked and
why, stale edits, incomplete translations) and the one write path (replies, notes, held
replies and their release), on a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.domain.models import MessageKind
from app.domain.rules import preview_of
from app.ops import outbox, reply
from app.ops.reply import Blocked, Outgoing, Reply, ReplyDraft, Typed
from app.ops.translation import Preview
from app.storage.store import Store
from app.translation.engine import NoRouteError
from app.translation.pipeline import Provenance, ProvenanceKind
from tests.helpers.builders import NOW

MT = Provenance(ProvenanceKind.MT, "en-es@1.0", (), 0.9, source_language="en", target_language="es")
CUT = Provenance(
    ProvenanceKind.MT, "en-es@1.0", (), 0.2, source_language="en", target_language="es",
    incomplete=True,
)  # fmt: skip


def spanish_draft(words: str = "thanks") -> ReplyDraft:
    """An English-writing agent answering a customer in Mexican Spanish, words typed."""
    draft = ReplyDraft("en", can_translate=True)
    draft.set_customer_language("es-MX")
    draft.typed(words)
    return draft


def translated(
    words: str = "thanks", text: str = "gracias", provenance: Provenance = MT
) -> Preview:
    return Preview(words, text, provenance, text.upper())


# ---------------------------------------------------------------------- the draft's rules
def test_same_language_replies_go_out_as_written() -> None:
    draft = ReplyDraft("en", can_translate=True)
    draft.set_customer_language("en-GB")
    assert not draft.active and draft.typed("Hello") is Typed.IGNORED
    out = draft.outgoing("Hello")
    assert out == Outgoing(
        "Hello",
        "en",
        Provenance(ProvenanceKind.UNTRANSLATED, source_language="en", target_language="en"),
    )


def test_a_reply_waits_for_the_translation_of_the_words_as_they_stand() -> None:
    draft = ReplyDraft("en", can_translate=True)
    draft.set_customer_language("es-MX")
    assert draft.typed("thanks") is Typed.TRANSLATE and draft.pending
    assert draft.outgoing("thanks") is None and draft.blocked() is Blocked.NOT_READY
    assert draft.arrived(translated())
    assert draft.outgoing("thanks") == Outgoing("gracias", "es-MX", MT)
    assert draft.back_translation == "GRACIAS"
    assert draft.typed("thanks a lot") is Typed.TRANSLATE
    assert draft.outgoing("thanks a lot") is None  # the shown text is for older words
    assert not draft.arrived(translated("thanks", "gracias"))  # late, for older words
    assert draft.arrived(translated("thanks a lot", "muchas gracias"))
    reply_ = draft.reply("thanks a lot")
    assert reply_ == Reply(
        MessageKind.AGENT, "thanks a lot", "en", Outgoing("muchas gracias", "es-MX", MT)
    )
    assert draft.typed("") is Typed.CLEARED and draft.text == "" and draft.preview is None


def test_a_hand_edit_is_never_replaced_only_marked_out_of_date() -> None:
    draft = spanish_draft()
    draft.arrived(translated())
    assert draft.edit("mil gracias")
    assert not draft.arrived(translated(text="gracias otra vez"))  # the agent's text wins
    out = draft.outgoing("thanks")
    assert out is not None and out.text == "mil gracias"
    assert out.provenance.kind is ProvenanceKind.HUMAN_EDITED
    assert out.provenance.route == "en-es@1.0"
    assert draft.typed("thanks again") is Typed.MARKED and draft.stale
    assert draft.text == "mil gracias"
    assert draft.outgoing("thanks again") is None
    assert draft.blocked() is Blocked.STALE and draft.warning() is Blocked.STALE
    edited = draft.edited_outgoing()  # a held reply still takes it, out of date or not
    assert edited is not None and edited.text == "mil gracias"
    assert draft.edit("mil gracias de nuevo")  # edited to match: no longer out of date
    assert not draft.stale and draft.warning() is None
    assert draft.regenerate() is Typed.TRANSLATE  # the agent asks: a new translation
    assert not draft.edited and draft.outgoing("thanks again") is None


def test_an_edit_without_a_translation_is_not_an_edit() -> None:
    draft = ReplyDraft("en", can_translate=True)
    draft.set_customer_language("es-MX")
    assert not draft.edit("hola")  # nothing shown and nothing coming
    assert draft.edited_outgoing() is None


def test_a_possibly_incomplete_translation_needs_an_edit_or_a_confirmation() -> None:
    draft = spanish_draft()
    draft.arrived(translated(text="gra", provenance=CUT))
    assert draft.incomplete and draft.outgoing("thanks") is None
    assert draft.blocked() is Blocked.INCOMPLETE and draft.warning() is Blocked.INCOMPLETE
    draft.confirm()
    assert draft.warning() is None
    assert draft.outgoing("thanks") == Outgoing("gra", "es-MX", CUT)  # flagged, as it was
    draft.typed("thanks!")
    draft.arrived(translated("thanks!", "gra", CUT))  # a new translation: a new check
    assert draft.outgoing("thanks!") is None
    draft.edit("gracias")
    assert not draft.incomplete and draft.outgoing("thanks!") is not None


def test_a_failed_translation_says_why_and_other_ways_out_remain() -> None:
    draft = spanish_draft()
    error = NoRouteError("en", "es")
    draft.failed(error)
    assert draft.problem is error and not draft.pending
    assert draft.blocked() is Blocked.PROBLEM and draft.outgoing("thanks") is None
    assert draft.set_untranslated(True) is False
    out = draft.outgoing("thanks")
    assert out is not None and out.provenance.kind is ProvenanceKind.UNTRANSLATED
    assert draft.typed("thanks, bye") is Typed.IGNORED
    assert draft.set_untranslated(False)  # translate the words as they stand now
    assert draft.typed(draft.agent_text) is Typed.TRANSLATE and draft.agent_text == "thanks, bye"
    held = draft.held("thanks, bye", "es-MX")
    assert held.held and held.outgoing is not None and held.outgoing.text == ""
    assert held.outgoing.provenance.kind is ProvenanceKind.HUMAN


def test_an_edit_kept_aside_comes_back_for_the_same_language_only() -> None:
    draft = spanish_draft()
    draft.arrived(translated())
    draft.edit("mil gracias")
    draft.back_arrived("mil gracias", "A THOUSAND THANKS")
    assert not draft.back_arrived("otra cosa", "SOMETHING ELSE")  # for an older edit
    kept = draft.kept()
    assert kept is not None and kept.back_translation == "A THOUSAND THANKS"

    again = ReplyDraft("en", can_translate=True)
    again.set_customer_language("es-ES")
    assert again.restore(kept, "thanks, really")
    assert again.edited and again.stale and again.text == "mil gracias"
    assert again.held("thanks, really", "es-ES").outgoing == again.edited_outgoing()
    other = ReplyDraft("en", can_translate=True)
    other.set_customer_language("pt-BR")
    assert not other.restore(kept, "thanks")


# ---------------------------------------------------------------------- the one write path
@pytest.fixture
def ids(repo: Store, standard_inbox: dict[str, int]) -> dict[str, int]:
    return standard_inbox


@pytest.fixture
def statements(repo: Store) -> Iterator[list[str]]:
    """Every SQL statement the store runs (the test reaches the private connection)."""
    seen: list[str] = []
    repo._link.conn.set_trace_callback(seen.append)
    yield seen
    repo._link.conn.set_trace_callback(None)


def test_reply_clears_sla_draft_and_updates_preview(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Ana Souza"]
    repo.drafts.save_draft(cid, MessageKind.AGENT, "Olá Ana", NOW)
    changes = reply.send(repo, cid, Reply(MessageKind.AGENT, "Olá Ana, sim!"), None, NOW + 5)
    row = repo.conversations.conversation_row(cid)
    assert changes.conversation_ids == {cid} and changes.messages
    assert row.sla_due_at is None
    assert row.last_message_preview == "Olá Ana, sim!"
    assert row.last_message_kind is MessageKind.AGENT
    assert repo.drafts.draft(cid) is None
    assert [m.seq for m in repo.messages.messages(cid)] == [1, 2]


def test_a_note_does_not_touch_preview_or_sla(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Ana Souza"]
    before = repo.conversations.conversation_row(cid)
    reply.send(repo, cid, reply.note("ligar amanhã"), None, NOW + 5)
    after = repo.conversations.conversation_row(cid)
    assert after.last_message_preview == before.last_message_preview
    assert after.sla_due_at == before.sla_due_at
    assert repo.messages.messages(cid)[-1].kind is MessageKind.NOTE


def test_empty_and_oversized_messages_are_refused_and_kept_as_the_draft(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Ana Souza"]
    with pytest.raises(ValueError):
        reply.send(repo, cid, Reply(MessageKind.AGENT, "  \n "), None, NOW)
    with pytest.raises(ValueError):
        reply.send(repo, cid, Reply(MessageKind.CUSTOMER, "Olá"), None, NOW)
    huge = "x" * (reply.MAX_REPLY_CHARS + 1)
    with pytest.raises(reply.MessageTooLongError):
        reply.send_or_keep_draft(repo, cid, reply.note(huge), None, NOW)
    assert len(repo.messages.messages(cid)) == 1
    draft = repo.drafts.draft(cid)
    assert draft is not None and (draft.kind, draft.body) == (MessageKind.NOTE, huge)


def test_a_translated_reply_keeps_both_texts_languages_and_provenance(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Carlos Pérez"]
    draft = spanish_draft("your order ships today\n")
    draft.arrived(translated("your order ships today\n", "SU PEDIDO SALE HOY\n"))
    message = draft.reply("your order ships today\n")
    assert message is not None
    reply.send(repo, cid, message, None, NOW + 5)
    stored = repo.messages.messages(cid)[-1]
    assert (stored.body, stored.original_body) == ("SU PEDIDO SALE HOY", "your order ships today")
    assert (stored.language, stored.original_language) == ("es-MX", "en")
    assert Provenance.from_json(stored.provenance) == MT
    assert stored.delivery is None  # a local workspace has no outbox
    assert repo.conversations.conversation_row(cid).sla_due_at is None


def test_a_held_reply_waits_for_a_human_and_is_then_sent_by_the_same_path(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Carlos Pérez"]
    sla_before = repo.conversations.conversation_row(cid).sla_due_at
    kind_before = repo.conversations.conversation_row(cid).last_message_kind
    held_reply = ReplyDraft("en", True).held("we will refund you in full", "es-MX")
    reply.send(repo, cid, held_reply, None, NOW + 5)
    held = repo.messages.messages(cid)[-1]
    assert held.held and held.body == held.original_body == "we will refund you in full"
    row = repo.conversations.conversation_row(cid)
    assert row.sla_due_at == sla_before  # not answered yet
    assert row.last_message_kind is kind_before
    assert reply.HUMAN_TRANSLATION_TAG in row.tags
    translated_text = "Le reembolsaremos\n\nel importe completo."
    reply.release_held(repo, held, translated_text, None, NOW + 60)
    sent = repo.messages.messages(cid)[-1]
    assert not sent.held and sent.body == translated_text
    assert Provenance.from_json(sent.provenance).kind is ProvenanceKind.HUMAN  # type: ignore[union-attr]
    row = repo.conversations.conversation_row(cid)
    assert row.sla_due_at is None
    assert row.last_message_preview == preview_of(translated_text)  # the list's one rule
    with pytest.raises(ValueError):
        reply.release_held(repo, sent, "otra vez", None, NOW + 90)  # sent already


def test_a_reply_is_written_once_and_queued_in_the_same_transaction(
    repo: Store, ids: dict[str, int], statements: list[str]
) -> None:
    cid = ids["Carlos Pérez"]
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    statements.clear()
    draft = spanish_draft()
    draft.arrived(translated())
    message = draft.reply("thanks")
    assert message is not None
    reply.send(repo, cid, message, None, NOW + 5)
    stored = repo.messages.messages(cid)[-1]
    # once: the triggers that keep the KPI rollups trace the same statement again
    assert len({s for s in statements if s.startswith("INSERT INTO messages")}) == 1
    assert not [s for s in statements if s.startswith("UPDATE messages")]  # written as queued
    assert not [s for s in statements if "FROM messages" in s and stored.uid in s]  # no re-read
    assert [s.split()[0] for s in statements if s.split()[0] in ("BEGIN", "COMMIT")] == [
        "BEGIN",
        "COMMIT",
    ]
    assert stored.delivery == outbox.QUEUED
    (operation,) = repo.outbox.pending()
    assert operation.message_uid == stored.uid
    assert operation.payload["body"] == "gracias"
    assert operation.payload["original_body"] == "thanks"
    assert operation.payload["provenance"]["kind"] == "mt"


def test_a_failed_queue_stores_nothing(
    repo: Store, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = ids["Carlos Pérez"]
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    repo.drafts.save_draft(cid, MessageKind.AGENT, "Hola", NOW)
    before = repo.messages.messages(cid)

    def broken(*_args: object, **_kwargs: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(repo.outbox, "enqueue", broken)
    with pytest.raises(OSError):
        reply.send(repo, cid, Reply(MessageKind.AGENT, "Hola Carlos"), None, NOW + 5)
    assert repo.messages.messages(cid) == before
    draft = repo.drafts.draft(cid)
    assert draft is not None and draft.body == "Hola"


def test_a_released_reply_is_queued_with_its_human_translation(
    repo: Store, ids: dict[str, int], statements: list[str]
) -> None:
    cid = ids["Carlos Pérez"]
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei")
    reply.send(repo, cid, ReplyDraft("en", True).held("refund in full", "es-MX"), None, NOW)
    held = repo.messages.messages(cid)[-1]
    assert held.delivery is None
    assert [op.op for op in repo.outbox.pending()] == ["patch"]  # the tag; nothing sent yet
    statements.clear()
    reply.release_held(repo, held, "Reembolso completo.", None, NOW + 60)
    # one statement (the KPI rollup trigger traces it again)
    assert len({s for s in statements if s.lstrip().startswith("UPDATE messages")}) == 1
    sent = repo.messages.messages(cid)[-1]
    assert sent.delivery == outbox.QUEUED
    operation = repo.outbox.pending()[-1]
    assert (operation.message_uid, operation.payload["body"]) == (held.uid, "Reembolso completo.")
    assert operation.payload["original_body"] == "refund in full"
    assert operation.payload["provenance"]["kind"] == "human"
