"""A conversation's transcript as a Qt-free document model, for the PDF and HTML exports.

Bilingual like the review view: what the customer wrote beside its translation; for
replies the agent's own words, the exact text sent and its back-translation where one is
known. Redaction (``app.domain.redact``) is applied here, to every text the renderers will
print (subject, handles, names, bodies, translations, file names, annotations, the review),
so no renderer can forget one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.domain.models import ConversationDetail, MessageKind
from app.domain.redact import Labels, RedactOptions, Redactor
from app.domain.review import Annotation, Review, Rubric, SentFinding
from app.i18n import I18n
from app.ops import review
from app.ops.review_transcript import review_transcript
from app.ops.translation import TranslationService
from app.storage.store import Store
from app.translation.pipeline import Provenance

MAX_MESSAGES = 5_000  # a transcript longer than this is cut (and says so)


@dataclass(frozen=True)
class TranscriptAnnotation:
    kind: str
    severity: str
    author: str
    body: str
    correction: str | None
    reference: str | None


@dataclass(frozen=True)
class TranscriptMessage:
    """One message, every text already redacted when the transcript is redacted."""

    seq: int
    kind: MessageKind
    author: str
    at: int
    text: str  # what the customer wrote / the exact text sent / the note
    language: str | None
    translation: str | None = None  # incoming, in the agent's language
    own_words: str | None = None  # outgoing: what the agent wrote before translation
    back_translation: str | None = None  # outgoing: what the sent text says
    provenance: Provenance | None = None
    held: bool = False
    files: tuple[str, ...] = ()
    findings: tuple[SentFinding, ...] = ()
    annotations: tuple[TranscriptAnnotation, ...] = ()


@dataclass(frozen=True)
class TranscriptReview:
    reviewer: str
    reviewed: str
    total: float | None
    comment: str
    state: str
    scores: tuple[tuple[str, int, int], ...]  # (criterion label msgid, points, scale)


@dataclass(frozen=True)
class Transcript:
    uid: str
    subject: str
    customer: str
    country: str
    language: str
    timezone: str
    channel: str
    status: str
    assignee: str
    handles: tuple[tuple[str, str], ...]
    first_at: int | None
    last_at: int | None
    messages: tuple[TranscriptMessage, ...]
    review: TranscriptReview | None = None
    redacted: bool = False
    cut: int = 0  # messages left out (over MAX_MESSAGES)
    agent_language: str = "en"


@dataclass(frozen=True)
class ReviewParts:
    """What the review side knows of a conversation (empty when nobody reviewed it)."""

    annotations: Sequence[Annotation] = ()
    review: Review | None = None
    rubric: Rubric | None = None


def review_parts(store: Store, conversation_id: int) -> ReviewParts:
    """Annotations and the latest review with its rubric."""
    found = review.review_of(store, conversation_id)
    return ReviewParts(
        review.annotations_of(store, conversation_id),
        found,
        review.rubric(store) if found is not None else None,
    )


def _name_variants(name: str) -> list[str]:
    """A person's full name and its parts (a first name alone in a signature)."""
    name = name.strip()
    parts = [p for p in name.replace(",", " ").split() if len(p) >= 2 and not p.endswith(".")]
    if not name:
        return []
    return [name, *parts] if len(parts) > 1 else [name]


class _Roles:
    """Names become role labels ("Customer", "Agent 1"...) when redacting."""

    def __init__(self, i18n: I18n, detail: ConversationDetail, parts: ReviewParts) -> None:
        _ = i18n._
        self.literals: dict[str, str] = {}
        self.customer = _("Customer")
        customers: list[str | None] = [detail.customer.name]
        customers += [m.author_name for m in detail.messages if m.kind is MessageKind.CUSTOMER]
        for name in customers:
            for variant in _name_variants(name or ""):
                self.literals.setdefault(variant, self.customer)
        self.agents: dict[str, str] = {}
        names = [m.author_name for m in detail.messages if m.kind is not MessageKind.CUSTOMER]
        names += [detail.row.assignee_name, *(a.author_name for a in parts.annotations)]
        if parts.review is not None:
            names += [parts.review.reviewer_name, parts.review.reviewed_name]
        for agent in names:
            if agent and agent not in self.agents:
                self.agents[agent] = _("Agent {n}").format(n=len(self.agents) + 1)
                for variant in _name_variants(agent):
                    self.literals.setdefault(variant, self.agents[agent])
        found = labels(i18n)
        by_kind = {"email": found.email, "phone": found.phone, "whatsapp": found.phone}
        for kind, value in detail.customer.handles.items():
            if value and value.strip():
                label = by_kind.get(kind, found.phone if kind == "sms" else _("[contact]"))
                self.literals.setdefault(value.strip(), label)


def labels(i18n: I18n) -> Labels:
    _ = i18n._
    return Labels(
        email=_("[e-mail]"),
        phone=_("[phone]"),
        card=_("[card number]"),
        iban=_("[IBAN]"),
        order=_("[order number]"),
        name=_("[name]"),
    )


def build(
    store: Store,
    conversation_id: int,
    i18n: I18n,
    *,
    agent_language: str,
    redact: bool = False,
    redact_orders: bool = False,
    translation: TranslationService | None = None,
) -> Transcript:
    """Store lane: the transcript of one conversation (LookupError: no such conversation).

    The texts are those of the review view (:mod:`app.ops.review_transcript`): cached
    translations into ``agent_language`` and back-translations; nothing is translated here.
    """
    if conversation_id not in store.conversations.conversation_rows([conversation_id]):
        raise LookupError(conversation_id)
    bilingual = review_transcript(store, translation, conversation_id, agent_language)
    detail = bilingual.detail
    lines = {line.message.id: line for line in bilingual.lines}
    parts = review_parts(store, conversation_id)
    roles = _Roles(i18n, detail, parts)
    if redact:
        clean: Callable[[str], str] = Redactor(
            RedactOptions(
                literals=roles.literals,
                region=detail.customer.country,
                orders=redact_orders,
                labels=labels(i18n),
            )
        )
    else:
        clean = _identity

    def person(name: str | None) -> str:
        if not name:
            return ""
        return roles.agents.get(name, clean(name)) if redact else name

    by_message: dict[int, list[TranscriptAnnotation]] = {}
    for note in parts.annotations:
        by_message.setdefault(note.message_id, []).append(
            TranscriptAnnotation(
                note.kind.value,
                note.severity.value,
                person(note.author_name),
                clean(note.body),
                clean(note.correction) if note.correction else None,
                clean(note.reference) if note.reference else None,
            )
        )
    messages = detail.messages[:MAX_MESSAGES]
    out = []
    for m in messages:
        line = lines.get(m.id)
        incoming = m.kind is MessageKind.CUSTOMER
        translated = line.right if line is not None and incoming else None
        back = line.back if line is not None else None
        provenance = line.provenance if line is not None else None
        findings = line.findings if line is not None else ()
        if m.kind is MessageKind.CUSTOMER:
            author = roles.customer if redact else (m.author_name or detail.customer.name)
        else:
            author = person(m.author_name)
        files = tuple(clean(a.filename) for a in detail.attachments.get(m.id, ()))
        out.append(
            TranscriptMessage(
                m.seq,
                m.kind,
                author,
                m.created_at,
                clean(m.body),
                m.detected_language or (m.language if m.kind is MessageKind.CUSTOMER else None),
                clean(translated) if translated else None,
                clean(m.original_body) if m.original_body else None,
                clean(back) if back else None,
                provenance,
                m.held,
                files,
                tuple(SentFinding(f.rule_id, clean(f.excerpt), f.severity) for f in findings),
                tuple(by_message.get(m.id, ())),
            )
        )
    row = detail.row
    return Transcript(
        row.uid,
        clean(row.subject or ""),
        roles.customer if redact else detail.customer.name,
        row.country,
        row.language,
        row.timezone,
        row.channel.value,
        row.status.value,
        person(row.assignee_name),
        tuple((kind, clean(value)) for kind, value in sorted(detail.customer.handles.items())),
        messages[0].created_at if messages else None,
        messages[-1].created_at if messages else None,
        tuple(out),
        _review(parts, person, clean),
        redact,
        len(detail.messages) - len(messages),
        agent_language,
    )


def _identity(text: str) -> str:
    return text


def _review(
    parts: ReviewParts, person: Callable[[str | None], str], clean: Callable[[str], str]
) -> TranscriptReview | None:
    found = parts.review
    if found is None:
        return None
    scores = []
    for key, points in found.scores.items():
        criterion = parts.rubric.criterion(key) if parts.rubric else None
        scores.append(
            (criterion.label if criterion else key, points, criterion.scale if criterion else 0)
        )
    return TranscriptReview(
        person(found.reviewer_name),
        person(found.reviewed_name),
        found.total,
        clean(found.comment),
        found.state.value,
        tuple(scores),
    )
