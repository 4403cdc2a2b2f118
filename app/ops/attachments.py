"""Attachments on the agent's side: adding files to a draft, taking them off, reading them.

Every file passes :func:`app.domain.attachments.inspect` before it is kept: the type
from its bytes, the size and pixel limits, at most :data:`MAX_PER_MESSAGE` per draft.
A refused file changes nothing and raises :class:`AttachmentError`, whose message names
the file and the limit (``app.ui.shell.labels.localize`` shows it in the UI language).
Sending the draft (``app.ops.reply.send``) takes its files with the message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from app.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_PER_MESSAGE,
    SNIFF_BYTES,
    Attachment,
    AttachmentError,
    AttachmentState,
    corrupted,
    inspect,
    safe_filename,
    too_large,
    too_many,
    unreadable,
)
from app.domain.changes import Changes
from app.storage.attachments import FileTooLarge, NewAttachment, read_bounded
from app.storage.store import Store

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_PER_MESSAGE",
    "Attachment",
    "AttachmentError",
    "AttachmentState",
    "add_bytes_to_draft",
    "add_file_to_draft",
    "add_files_to_draft",
    "conversation_attachments",
    "draft_attachments",
    "read_attachment",
    "remove_from_draft",
]


def add_file_to_draft(store: Store, conversation_id: int, source: Path, now: int) -> Changes:
    """Store lane: attach a file from disk (chooser or drop) to the conversation's draft.

    The file is copied into the workspace's attachments folder (links are not followed,
    nothing past the size limit is read), so the draft keeps it even if the original
    moves. AttachmentError for a file that cannot be attached, naming it."""
    name = safe_filename(source.name)
    try:
        data = read_bounded(source, MAX_ATTACHMENT_BYTES)
    except FileTooLarge as error:
        raise too_large(name, error.size) from None
    except OSError as error:
        raise unreadable(name) from error
    return add_bytes_to_draft(store, conversation_id, data, name, now)


def add_files_to_draft(
    store: Store, conversation_id: int, sources: list[Path], now: int
) -> Changes:
    """Several files at once (a drop of many): all or none, so the limit is checked once."""
    existing = len(store.attachments.draft(conversation_id))
    if existing + len(sources) > MAX_PER_MESSAGE:
        raise too_many(existing + len(sources))
    changes = Changes()
    with store.transaction():
        for source in sources:
            changes |= add_file_to_draft(store, conversation_id, source, now)
    return changes


def add_bytes_to_draft(
    store: Store,
    conversation_id: int,
    data: bytes,
    filename: str,
    now: int,
    content_type: str | None = None,
) -> Changes:
    """Store lane: attach bytes (a pasted image or text) to the draft under ``filename``.

    ``content_type`` is what the clipboard claimed; it is not trusted (the bytes decide),
    only kept for the log. The same file twice on one draft is kept once."""
    del content_type  # the bytes decide; see app.domain.attachments.inspect
    name = safe_filename(filename)
    kind = inspect(data[:SNIFF_BYTES], name, len(data), whole=data)
    with store.transaction():
        draft = store.attachments.draft(conversation_id)
        if len(draft) >= MAX_PER_MESSAGE:
            raise too_many(len(draft) + 1)
        sha = store.attachments.put_bytes(data)
        if any(item.sha256 == sha for item in draft):
            return Changes.of(conversation_id)
        store.attachments.add(
            NewAttachment(
                conversation_id,
                name,
                kind.content_type,
                len(data),
                sha,
                kind.width,
                kind.height,
            ),
            now,
        )
    return Changes.of(conversation_id)


def remove_from_draft(store: Store, attachment_id: int) -> Changes:
    """Store lane: take a file off its draft (a sent message's files stay)."""
    removed = store.attachments.remove_draft(attachment_id)
    return Changes.of(removed.conversation_id) if removed is not None else Changes()


def draft_attachments(store: Store, conversation_id: int) -> tuple[Attachment, ...]:
    """The files on the conversation's draft, in the order they were added."""
    return store.attachments.draft(conversation_id)


def conversation_attachments(
    store: Store, conversation_id: int
) -> Mapping[int, tuple[Attachment, ...]]:
    """The files of the conversation's messages, by message id (one query)."""
    return store.attachments.for_conversation(conversation_id)[0]


def read_attachment(store: Store, attachment_id: int) -> tuple[Attachment, bytes]:
    """Store lane: a file's bytes, checked against its hash (for a thumbnail, the viewer
    or Save as). AttachmentError if it is not here or no longer what was stored."""
    item = store.attachments.attachment(attachment_id)
    if item is None or item.path is None:
        raise unreadable(item.filename if item else str(attachment_id))
    try:
        data = store.attachments.read_file(item.sha256, MAX_ATTACHMENT_BYTES)
    except (OSError, FileTooLarge) as error:
        raise unreadable(item.filename) from error
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise corrupted(item.filename)
    return item, data
