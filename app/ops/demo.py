"""Loading the demo workspace (``resources/demo``) into a store.

Loading is idempotent: conversations are keyed by their id in the files, so
running ``crossdesk --demo`` again adds only what is new and duplicates nothing.
A fingerprint of the files lets later starts skip parsing altogether.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    SNIFF_BYTES,
    AttachmentError,
    AttachmentState,
    inspect,
)
from app.domain.datafiles import DataFileError
from app.domain.models import Customer, MessageKind
from app.ops.canned import load_canned_file
from app.ops.demo_review import load_review_data
from app.ops.demo_training import load_training_data
from app.ops.templates import load_templates_file
from app.storage.attachments import FileTooLarge, NewAttachment, read_bounded
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow, MacroRow, MemoryRow
from app.translation.pipeline import Provenance, ProvenanceKind, primary

if TYPE_CHECKING:  # pydantic (behind demo_schema) is imported only when the demo loads
    from app.contract.demo_schema import DemoWorkspace

FINGERPRINT_KEY = "demo_fingerprint"
TEMPLATES_FILE = "templates.yaml"
CANNED_FILE = "canned.yaml"
ATTACHMENTS_FOLDER = "attachments"  # as app.contract.demo_schema (not imported before a load)


@dataclass(frozen=True, slots=True)
class DemoLoadResult:
    """How many conversations the load added (0 when the demo was already there)."""

    added: int
    skipped: int


def fingerprint(folder: Path) -> str:
    """A hash of every demo file, to know whether anything changed since the last load."""
    digest = hashlib.sha256()
    for path in sorted([*folder.rglob("*.yaml"), *folder.glob(f"{ATTACHMENTS_FOLDER}/*")]):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_demo_into(repo: Store, folder: Path, now: int) -> DemoLoadResult:
    """Validate the demo files and write what is missing; raises DataFileError on bad data."""
    stamp = fingerprint(folder)
    if repo.meta.get(FINGERPRINT_KEY) == stamp:
        return DemoLoadResult(0, 0)
    from app.contract.demo_schema import load_demo  # pydantic is only needed here

    demo = load_demo(folder)
    added = skipped = 0
    with repo.transaction():
        agents = {
            a.id: repo.conversations.upsert_agent(a.id, a.name, a.email)
            for a in demo.workspace.agents
        }
        if repo.meta.get("me_agent_uid") is None:
            repo.meta.set("me_agent_uid", demo.workspace.me)
        customers = {c.id: c for c in demo.customers}
        for spec in demo.conversations:
            if repo.conversations.conversation_id_by_uid(spec.id) is not None:
                skipped += 1
                continue
            cust = customers[spec.customer]
            customer_id = repo.conversations.insert_customer(
                Customer(
                    0,
                    cust.id,
                    cust.name,
                    cust.country,
                    cust.language,
                    cust.timezone,
                    dict(cust.handles),
                ),
                now + spec.messages[0].offset,
            )
            conversation_id = repo.conversations.insert_conversation(
                uid=spec.id,
                customer_id=customer_id,
                channel=spec.channel,
                subject=spec.subject,
                status=spec.status,
                assignee_id=agents[spec.assignee] if spec.assignee else None,
                language=cust.language,
                country=cust.country,
                created_at=now + spec.messages[0].offset,
            )
            if spec.fields or cust.fields:  # backend fields: order details, plan (§3)
                repo.customers.set_conversation_fields(conversation_id, spec.fields)
                repo.customers.set_customer_fields(customer_id, cust.fields)
            for index, message in enumerate(spec.messages):
                kind_text, _, agent_uid = message.author.partition(":")
                kind = MessageKind(kind_text)
                language = message.language or (None if kind is MessageKind.NOTE else cust.language)
                held = _held(message.held, message.text.rstrip("\n"), language, cust.language)
                message_id = repo.messages.add_message(
                    conversation_id,
                    kind,
                    message.text.rstrip("\n"),
                    now + message.offset,
                    author_agent_id=agents[agent_uid] if agent_uid else None,
                    language=cust.language if message.held else language,
                    uid=f"{spec.id}-{index + 1}",
                    reindex=False,
                    **held,
                )
                if message.held_for is not None:  # a colleague is asked to translate it
                    repo.held.assign(message_id, agents[message.held_for])
                for name in message.attachments:  # the customer's photos and receipts
                    file = folder / ATTACHMENTS_FOLDER / name
                    _attach_file(repo, file, conversation_id, message_id, now + message.offset)
            repo.conversations.set_import_state(
                conversation_id,
                status=spec.status,
                snoozed_until=now + spec.snoozed_until if spec.snoozed_until is not None else None,
                sla_due_at=now + spec.sla_due if spec.sla_due is not None else None,
                unread=spec.unread,
            )
            for tag in spec.tags:
                repo.conversations.add_tag(conversation_id, tag, now)
            repo.conversations.reindex(conversation_id)
            added += 1
        for tag in demo.workspace.tags:
            repo.conversations.add_tag_name(tag)
        _load_translation_data(repo, demo, now)
        load_review_data(repo, folder, demo, agents, now)  # roles, surveys, reviews
        load_training_data(repo, folder, demo, agents, now)  # assignments, attempts
        if (folder / TEMPLATES_FILE).exists():  # approved WhatsApp templates
            load_templates_file(repo, folder / TEMPLATES_FILE, now)
        if (folder / CANNED_FILE).exists():  # canned replies with variables and actions
            load_canned_file(repo, folder / CANNED_FILE, now)
        repo.meta.set(FINGERPRINT_KEY, stamp)
    return DemoLoadResult(added, skipped)


def _held(held: bool, words: str, language: str | None, customer: str) -> dict[str, Any]:
    """A reply kept for a human translator, as "Needs human translation" stores it."""
    if not held:
        return {}
    human = Provenance(ProvenanceKind.HUMAN, source_language=language, target_language=customer)
    return {
        "held": True,
        "original_body": words,
        "original_language": language,
        "provenance": human.to_json(),
    }


def _attach_file(repo: Store, path: Path, conversation_id: int, message_id: int, at: int) -> None:
    """A demo picture on a received message, checked like any file that arrives."""
    try:
        data = read_bounded(path, MAX_ATTACHMENT_BYTES)
        kind = inspect(data[:SNIFF_BYTES], path.name, len(data), whole=data)
    except (OSError, FileTooLarge, AttachmentError) as error:
        raise DataFileError(path, None, f"not a demo attachment: {error}") from error
    sha = repo.attachments.put_bytes(data)
    repo.attachments.add(
        NewAttachment(
            conversation_id,
            path.name,
            kind.content_type,
            len(data),
            sha,
            kind.width,
            kind.height,
            AttachmentState.REMOTE,  # received, and already here
            message_id,
        ),
        at,
    )


def _load_translation_data(repo: Store, demo: DemoWorkspace, now: int) -> None:
    """The team's glossary and canned replies with their approved translations."""
    store = repo.translation
    for index, term in enumerate(demo.translation.glossary, start=1):
        store.save_term(
            GlossaryRow(
                f"demo-glossary-{index}",
                term.term,
                term.rendering,
                term.source_language,
                term.target_language,
                term.note,
            ),
            now,
        )
    for macro in demo.translation.macros:
        uid = f"demo-macro-{macro.id}"
        store.save_macro(MacroRow(uid, macro.title, macro.language, macro.body.rstrip("\n")), now)
        for language, text in macro.translations.items():
            store.save_memory(
                MemoryRow(
                    f"demo-tm-{macro.id}-{language}",
                    primary(macro.language),
                    primary(language),
                    macro.body.rstrip("\n"),
                    text.rstrip("\n"),
                    "macro",
                    uid,
                ),
                now,
            )
