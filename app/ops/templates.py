"""Approved message templates: which ones a conversation can use, and the reply a filled
one becomes (store lane). The rules of filling live in ``app.domain.message_templates``."""

from __future__ import annotations

from pathlib import Path

from app.domain.changes import Changes
from app.domain.lang import primary_language
from app.domain.message_templates import MessageTemplate, TemplateUse, fill
from app.domain.models import Channel, MessageKind
from app.ops.reply import Outgoing, Reply, send
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind


def templates_for(store: Store, channel: Channel) -> tuple[MessageTemplate, ...]:
    """Store lane: the approved templates of this channel."""
    return store.templates.templates(channel.value)


def in_language(
    templates: tuple[MessageTemplate, ...], language: str | None
) -> tuple[MessageTemplate, ...]:
    """The templates written in ``language`` (its primary subtag: ``pt`` matches ``pt-BR``)."""
    if not language:
        return ()
    wanted = primary_language(language)
    return tuple(t for t in templates if primary_language(t.language) == wanted)


def template_reply(template: MessageTemplate, values: dict[str, str]) -> Reply:
    """The reply a filled template is sent as: exactly the filled text, in the template's
    language, untranslated (an approved template is sent as approved), naming the template.
    TemplateValueError for a missing or bad value."""
    text, checked = fill(template, values)
    provenance = Provenance(
        ProvenanceKind.UNTRANSLATED,
        source_language=template.language,
        target_language=template.language,
    )
    use = TemplateUse(template.uid, template.name, template.language, tuple(checked.items()))
    return Reply(
        MessageKind.AGENT,
        text,
        template.language,
        Outgoing(text, template.language, provenance),
        template=use,
    )


def load_templates_file(store: Store, path: Path, now: int) -> Changes:
    """Store lane: add the templates of a data file (the demo's); DataFileError if bad."""
    from app.contract.template_schema import load_templates  # pydantic: only here

    templates = load_templates(path)
    with store.transaction():
        for template in templates:
            store.templates.save(template, now)
    return Changes(choices=True)


def send_template(
    store: Store, conversation_id: int, reply: Reply, author_id: int | None, now: int
) -> Changes:
    """Store lane: send a filled template (:func:`template_reply`) through the one write
    path; the free-form text the agent had typed stays their draft (the send would clear
    it)."""
    if reply.template is None:
        raise ValueError("not a template reply")
    draft = store.drafts.draft(conversation_id)
    with store.transaction():
        changes = send(store, conversation_id, reply, author_id, now)
        if draft is not None:
            store.drafts.save_draft(conversation_id, draft.kind, draft.body, draft.updated_at)
    return changes
