"""The agent's reply, from the words they type to the row the outbox sends (Qt-free).

:class:`ReplyDraft` holds what the reply translation panel shows and every rule about it:
what is sent, when Send is blocked and why, a hand edit that went out of date, a machine
translation that may be incomplete. The widgets display it and report the agent's actions
to it; the rules are tested without Qt (``tests/unit/ops/test_reply.py``).

:func:`send` is the one write path for everything the agent sends: a reply (translated or
not), an internal note, a reply held for a human translator, and that held reply once a
colleague has translated it. The message row and its outbox operation are written in one
transaction, from the values in hand (nothing just written is read back).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from app.domain.changes import Changes
from app.domain.channel_window import reply_window
from app.domain.errors import ReplyWindowClosedError
from app.domain.message_templates import TemplateUse
from app.domain.models import Message, MessageKind, Status
from app.domain.review import SentFinding, findings_json
from app.ops import held, inbox, mentions, outbox
from app.ops.translation import Preview
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind, primary

MAX_REPLY_CHARS = 200_000
HUMAN_TRANSLATION_TAG = held.TAG  # on a conversation with a held reply


class MessageTooLongError(ValueError):
    """A reply larger than the store accepts (a paste gone wrong, not a real reply)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What the customer will read: the text, its language and where it came from."""

    text: str
    language: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to store: the agent's words and, for a customer in another language
    (or a reply sent untranslated on purpose), what goes out (``outgoing``).

    ``held``: kept for a human translator, not sent. ``releases``: the held reply this
    colleague's translation (``outgoing``) sends.
    """

    kind: MessageKind
    words: str  # as typed: on a refusal they become the draft again, unchanged
    language: str | None = None  # the agent's language, recorded with ``outgoing``
    outgoing: Outgoing | None = None
    held: bool = False
    releases: Message | None = None
    template: TemplateUse | None = None  # an approved template it was filled from (WhatsApp)


def note(words: str) -> Reply:
    """An internal note: only the team sees it, it is never translated."""
    return Reply(MessageKind.NOTE, words)


def released(message: Message, translated: str) -> Reply:
    """A held reply, sent with a colleague's translation."""
    provenance = Provenance(
        ProvenanceKind.HUMAN,
        source_language=message.original_language,
        target_language=message.language,
    )
    return Reply(
        MessageKind.AGENT,
        message.original_body or message.body,
        message.original_language,
        Outgoing(translated, message.language or "", provenance),
        releases=message,
    )


@dataclass(frozen=True, slots=True)
class EditedPreview:
    """A hand-edited translation kept while the agent looks at another conversation."""

    customer_tag: str
    source_text: str  # the agent's text the edit was made against
    text: str
    back_translation: str | None
    preview: Preview | None


class Blocked(Enum):
    """Why a reply cannot be sent as it stands (the panel says what to do about it)."""

    PROBLEM = "problem"  # the translation failed (no pack, an engine error)
    STALE = "stale"  # the agent's text changed after they edited the translation
    INCOMPLETE = "incomplete"  # the machine translation may be truncated: edit or confirm
    NOT_READY = "not_ready"  # the translation of the agent's latest text is not there yet


class Typed(Enum):
    """What a change to the agent's words asks of the panel."""

    IGNORED = "ignored"  # not translated (same language, or sent untranslated)
    MARKED = "marked"  # a hand edit is kept; only its out-of-date mark may change
    CLEARED = "cleared"  # nothing to translate: the panel is emptied
    TRANSLATE = "translate"  # a new translation is wanted (after a pause in typing)


class ReplyDraft:
    """The reply being written and its translation: the state the panel shows.

    Nothing the agent wrote is overwritten: once the translation is edited by hand, a
    change to their own words only marks it out of date (:meth:`regenerate` replaces it,
    on request). A translation that may be truncated is not sent until it is edited or
    confirmed (:meth:`confirm`).
    """

    def __init__(self, agent_language: str, can_translate: bool) -> None:
        self.agent_language = agent_language
        self.can_translate = can_translate
        self.customer_tag: str | None = None
        self.agent_text = ""  # the agent's words as they stand
        self.untranslated = False  # "Send without translation"
        self.reset()

    def reset(self) -> None:
        """Forget the translation (sent, held, or another language): start afresh."""
        self.source_text = ""  # the agent's words the translation belongs to
        self.preview: Preview | None = None
        self.text = ""  # the translation shown (the agent may edit it)
        self.back_translation: str | None = None
        self.edited = False
        self.stale = False  # edited, then the agent's words changed
        self.confirmed = False  # "Send anyway" on a possibly incomplete translation
        self.pending = False  # a translation of the agent's words is on its way
        self.problem: BaseException | None = None
        self.untranslated = False

    # ------------------------------------------------------------------ state
    @property
    def active(self) -> bool:
        """True when replies to this customer are translated."""
        return (
            self.can_translate
            and self.customer_tag is not None
            and primary(self.customer_tag) != primary(self.agent_language)
        )

    @property
    def incomplete(self) -> bool:
        """The machine translation on show may be truncated and the agent has not edited it."""
        return self.preview is not None and self.preview.provenance.incomplete and not self.edited

    def set_customer_language(self, tag: str | None) -> None:
        self.customer_tag = tag
        self.reset()

    # ------------------------------------------------------------------ the agent's actions
    def typed(self, text: str) -> Typed:
        """The agent's words changed."""
        self.agent_text = text
        if not self.active or self.untranslated:
            return Typed.IGNORED
        if self.edited:
            self.stale = text != self.source_text
            return Typed.MARKED
        if not text.strip():
            self.reset()
            return Typed.CLEARED
        self.pending = True
        return Typed.TRANSLATE

    def edit(self, text: str) -> bool:
        """The agent edited the translation: it is now theirs, for their words as they
        stand. False if there was nothing to edit (no translation shown or coming)."""
        self.text = text
        if not self.active or (self.preview is None and not self.pending):
            return False
        self.edited, self.stale, self.pending = True, False, False
        self.source_text = self.agent_text
        return True

    def regenerate(self) -> Typed:
        """Replace the agent's edit with a new translation of their words."""
        self.edited = self.stale = self.confirmed = False
        return self.typed(self.agent_text)

    def confirm(self) -> None:
        """The agent checked the possibly incomplete translation and sends it as it is."""
        self.confirmed = True

    def set_untranslated(self, untranslated: bool) -> bool:
        """ "Send without translation" toggled; True if the words need translating again."""
        self.untranslated = untranslated
        return not untranslated and bool(self.agent_text.strip())

    # ------------------------------------------------------------------ translations arriving
    def arrived(self, preview: Preview) -> bool:
        """A translation arrived; False if it is for older words or the agent's edit wins."""
        if preview.source_text != self.agent_text or self.edited:
            return False
        self.preview, self.source_text, self.pending = preview, preview.source_text, False
        self.problem, self.confirmed = None, False
        self.text, self.back_translation = preview.text, preview.back_translation
        return True

    def failed(self, error: BaseException) -> None:
        self.pending = False
        self.problem = error

    def back_arrived(self, text: str, back: str) -> bool:
        """The back-translation of an edit; False if the edit has changed since."""
        if text != self.text:
            return False
        self.back_translation = back
        return True

    # ------------------------------------------------------------------ what is sent
    def outgoing(self, words: str) -> Outgoing | None:
        """What to send for ``words``, or None while the translation is not up to date."""
        agent = self.agent_language
        if not self.active or self.untranslated:
            provenance = Provenance(
                ProvenanceKind.UNTRANSLATED, source_language=agent, target_language=agent
            )
            return Outgoing(words, agent, provenance)
        if not self.text.strip() or self.source_text != words:
            return None
        if self.edited:
            return self.edited_outgoing()
        if self.pending or self.preview is None or (self.incomplete and not self.confirmed):
            return None
        assert self.customer_tag is not None  # active
        return Outgoing(self.text, self.customer_tag, self.preview.provenance)

    def edited_outgoing(self) -> Outgoing | None:
        """The agent's hand-edited translation, even out of date (a held reply keeps it as
        the translator's starting point); None if they have not edited one."""
        tag = self.customer_tag
        if not self.active or not self.edited or not self.text.strip() or tag is None:
            return None
        base = self.preview.provenance if self.preview is not None else None
        provenance = Provenance(
            ProvenanceKind.HUMAN_EDITED,
            base.route if base else None,
            base.pivots if base else (),
            source_language=self.agent_language,
            target_language=tag,
        )
        return Outgoing(self.text, tag, provenance)

    def reply(self, words: str) -> Reply | None:
        """The reply to store for ``words``; None while blocked (:meth:`blocked` says why)."""
        outgoing = self.outgoing(words)
        if outgoing is None:
            return None
        return Reply(MessageKind.AGENT, words, self.agent_language, outgoing)

    def held(self, words: str, customer_tag: str) -> Reply:
        """The reply kept for a human translator, with the agent's hand edit if any."""
        outgoing = self.edited_outgoing() or Outgoing(
            "",
            customer_tag,
            Provenance(
                ProvenanceKind.HUMAN,
                source_language=self.agent_language,
                target_language=customer_tag,
            ),
        )
        return Reply(MessageKind.AGENT, words, self.agent_language, outgoing, held=True)

    def blocked(self) -> Blocked:
        """Why :meth:`outgoing` gave nothing, most useful first."""
        if self.problem is not None:
            return Blocked.PROBLEM
        if self.stale:
            return Blocked.STALE
        if self.incomplete and not self.pending and not self.confirmed:
            return Blocked.INCOMPLETE
        return Blocked.NOT_READY

    def warning(self) -> Blocked | None:
        """What the panel warns about before any send: out of date, or possibly incomplete."""
        if self.stale:
            return Blocked.STALE
        if self.incomplete and not self.confirmed and not self.pending:
            return Blocked.INCOMPLETE
        return None

    # ------------------------------------------------------------------ edits kept aside
    def kept(self) -> EditedPreview | None:
        """The hand-edited translation, to keep while another conversation is open."""
        if not self.edited or self.customer_tag is None:
            return None
        return EditedPreview(
            self.customer_tag, self.source_text, self.text, self.back_translation, self.preview
        )

    def restore(self, state: EditedPreview, words: str) -> bool:
        """Take a kept edit back (same language only); False if it no longer applies."""
        if not self.active or self.customer_tag is None:
            return False
        if primary(state.customer_tag) != primary(self.customer_tag):
            return False  # the conversation's language changed: the edit is for another one
        self.untranslated = False
        self.preview, self.source_text, self.problem = state.preview, state.source_text, None
        self.edited, self.pending, self.confirmed = True, False, False
        self.text, self.back_translation = state.text, state.back_translation
        self.agent_text = words
        self.stale = words != state.source_text
        return True


# ---------------------------------------------------------------------- the one write path
def send(
    store: Store,
    conversation_id: int,
    reply: Reply,
    author_id: int | None,
    now: int,
    then: Status | None = None,
    *,
    sent_findings: Sequence[SentFinding] | None = None,
) -> Changes:
    """Store lane: store a reply or note (or hold it, or release a held one) with everything
    a lead needs to review it, and queue it for the server, in one transaction.

    ``then``: "Send and resolve" / "Send and set pending": the status changes in the same
    transaction, so the conversation never ends up answered but still open (or resolved
    without its answer). ``sent_findings``: the draft check's findings the agent saw."""
    files = store.attachments.draft(conversation_id) if reply.releases is None else ()
    body, original = _checked(reply, bool(files) and not reply.held)
    if reply.kind is MessageKind.AGENT and reply.template is None and not reply.held:
        refusal = window_refusal(store, conversation_id, now)  # before anything is written
        if refusal is not None:
            raise refusal
    outgoing, message = reply.outgoing, reply.releases
    provenance = outgoing.provenance.to_json() if outgoing is not None else None
    language = (outgoing.language or None) if outgoing is not None else None
    original_language = reply.language if outgoing is not None else None
    queued = not reply.held and outbox.synced(store)
    with store.transaction():
        if message is not None:
            held.check_held(store, message.id)  # not sent twice (two windows, two clicks)
            uid = message.uid
            store.messages.release_held(
                message,
                body,
                provenance or "",
                author_id,
                now,
                delivery=outbox.QUEUED if queued else None,
            )
        else:
            uid = str(uuid.uuid4())
            message_id = store.messages.add_message(
                conversation_id,
                reply.kind,
                body,
                now,
                author_agent_id=author_id,
                language=language,
                uid=uid,
                original_body=original,
                original_language=original_language,
                provenance=provenance,
                held=reply.held,
                delivery=outbox.QUEUED if queued else None,
            )
            store.drafts.save_draft(conversation_id, reply.kind, "", now)
            if files:  # the draft's files go with it (a message may be files only)
                store.attachments.move_draft_to(conversation_id, message_id)
            if reply.kind is MessageKind.NOTE:  # @mentions: the colleagues' Mentions queue
                mentions.record(store, message_id, conversation_id, body)
        if sent_findings and reply.kind is MessageKind.AGENT:  # what the agent was shown
            store.reviews.set_sent_findings(
                message.id if message is not None else message_id, findings_json(sent_findings)
            )
        if reply.held or message is not None:  # who held a reply, who sent it translated
            store.events.record(
                conversation_id, "held" if reply.held else "released", author_id, {}, now
            )
        if reply.held:  # goes out when a colleague has translated it; the tag says it waits
            held.on_hold(store, conversation_id, now)  # tagged, reopened
        if message is not None:  # its tag goes unless another reply is still held
            held.on_release(store, conversation_id, now)
        if queued:
            sent = outbox.QueuedMessage(
                uid,
                reply.kind,
                body,
                now,
                language,
                original,
                original_language,
                provenance,
                template=reply.template,
                files=tuple((f.sha256, f.filename) for f in files),
            )
            outbox.queue_message(store, conversation_id, sent, now)
        if then is not None:
            inbox.set_status(store, conversation_id, then, now)
    return Changes.of(  # a held reply's tag is queued for the server too
        conversation_id,
        list_membership=True,
        messages=True,
        choices=reply.held or message is not None,
        outbox=queued or reply.held or message is not None or then is not None,
    )


def window_refusal(store: Store, conversation_id: int, now: int) -> ReplyWindowClosedError | None:
    """Why a free-form reply sent ``now`` would not be delivered (WhatsApp's or Messenger's
    window has closed), or None. Notes, held replies and approved templates are not
    free-form sends: :func:`send` checks only the rest."""
    facts = store.reply_windows.facts(conversation_id)
    window = None if facts is None else reply_window(facts[0], facts[1], now)
    if window is None or window.is_open:
        return None
    return ReplyWindowClosedError(window.length // 3600, window.template_allowed)


def _checked(reply: Reply, with_files: bool = False) -> tuple[str, str | None]:
    """The stored body and the agent's original words; ValueError for what cannot be sent."""
    if reply.kind not in (MessageKind.AGENT, MessageKind.NOTE):
        raise ValueError(f"agents send replies or notes, not {reply.kind}")
    if reply.releases is not None and not reply.releases.held:
        raise ValueError("this reply is not waiting for a translation")
    words = reply.words.strip("\n")
    outgoing = reply.outgoing
    if outgoing is None:
        body, original = words, None
    elif reply.held and not outgoing.text.strip():
        body, original = words, words  # no edit to keep: the translator starts from the words
    else:
        body, original = outgoing.text.strip("\n"), words
    if reply.releases is not None and not body.strip():
        raise ValueError("the translation is empty")
    if not (words if reply.held else body).strip() and not with_files:
        raise ValueError("an empty message cannot be sent")
    longest = max(len(body), len(words))
    if longest > MAX_REPLY_CHARS:
        raise MessageTooLongError(longest)
    return body, original


def send_or_keep_draft(
    store: Store,
    conversation_id: int,
    reply: Reply,
    author_id: int | None,
    now: int,
    then: Status | None = None,
    *,
    sent_findings: Sequence[SentFinding] | None = None,
) -> Changes:
    """:func:`send`; if it is refused, the agent's words become the conversation's draft.

    Both happen on the store lane at the place of the send, so nothing typed is lost even
    if the agent has left the conversation, and a draft saved after it (newer text) wins.
    """
    try:
        return send(
            store, conversation_id, reply, author_id, now, then, sent_findings=sent_findings
        )
    except Exception:
        store.drafts.save_draft(conversation_id, reply.kind, reply.words, now)
        raise


def release_held(
    store: Store, message: Message, translated: str, translator_id: int | None, now: int
) -> Changes:
    """Store lane: a colleague's translation of a held reply; now it is sent."""
    return send(store, message.conversation_id, released(message, translated), translator_id, now)
