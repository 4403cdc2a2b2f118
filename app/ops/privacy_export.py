"""Everything held about one customer, in one archive (issue 17, right of access/portability).

The zip holds ``customer.json`` (machine-readable: the customer rows, handles, fields,
notes, every conversation with every message in its original and each translation the
workspace holds, tags, events, reviews, annotations, survey answers, drafts, the list of
attachments, and the data requests themselves), ``attachments/`` (the files), a readable
``customer.pdf`` made by the renderer the UI passes in (the HTML handed to it escapes every
text: customer text is plain text, never markup) and ``manifest.json`` (counts, and the
size and SHA-256 of every file, so the recipient can check nothing is missing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from typing import Any

from app.domain.data_requests import DataRequestError
from app.domain.errors import N_
from app.ops.privacy import MAX_UID_LENGTH, person_of
from app.storage.store import Store

FORMAT = "crossdesk-customer-export"
FORMAT_VERSION = 1
MAX_EXPORT_FILE_BYTES = 1024 * 1024 * 1024  # attachments in one archive (built in memory)
_JSON_COLUMNS = frozenset({"handles", "fields", "provenance", "detail", "scores"})
_SAFE_NAME = re.compile(r"[^\w.\-]+")


def _iso(moment: object) -> object:
    if isinstance(moment, int) and not isinstance(moment, bool):
        return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat().replace("+00:00", "Z")
    return moment


def _clean(row: Mapping[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as JSON: JSON columns parsed, times as ISO 8601 UTC, local ids dropped."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in drop:
            continue
        if key in _JSON_COLUMNS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        elif key.endswith("_at") or key == "at":
            value = _iso(value)
        out[key] = value
    return out


def _safe_file_name(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", name).strip("._") or "file"
    return cleaned[-80:]


def export_file_name(store: Store, customer_id: int, now: int) -> str:
    """``<customer id>-data-<date>.zip``: the opaque id, never the name (no personal data
    in a file name that lands in folders and mail subjects)."""
    _person, root = person_of(store, customer_id)
    day = dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
    return f"{_safe_file_name(str(root['uid']))[:MAX_UID_LENGTH]}-data-{day}.zip"


def _document(
    store: Store, customer_id: int, now: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The export's JSON, and the attachment rows (with their zip names)."""
    person, _root = person_of(store, customer_id)
    repo = store.data_requests
    customers = repo.customer_rows(person)
    conversation_ids = repo.conversation_ids(person)
    tables = repo.export_rows(conversation_ids)
    by_conversation: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for name in (
        "messages",
        "tags",
        "events",
        "reviews",
        "annotations",
        "survey_answers",
        "drafts",
    ):
        for row in tables[name]:
            by_conversation.setdefault(row["conversation_id"], {}).setdefault(name, []).append(row)
    attachments: list[dict[str, Any]] = []
    files_of: dict[str | None, list[str]] = {}
    for row in tables["attachments"]:
        entry = _clean(row, drop=("conversation_id",))
        present = (
            bool(row["stored"])
            and store.attachments.folder is not None
            and (store.attachments.has_file(row["sha256"]))
        )
        entry["file"] = (
            f"attachments/{_safe_file_name(str(row['uid']))[:60]}-{_safe_file_name(row['filename'])}"
            if present
            else None
        )
        entry["stored"] = present
        attachments.append(entry)
        files_of.setdefault(row["message_uid"], []).append(row["uid"])
    uid_of = {row["id"]: row["uid"] for row in tables["conversations"]}
    conversations = []
    for row in tables["conversations"]:
        parts = by_conversation.get(row["id"], {})
        messages = []
        for m in parts.get("messages", []):
            item = _clean(m, drop=("id", "conversation_id"))
            item["translations"] = [
                {"route": route, "text": text}
                for route, text in repo.cached_translations(m["body"])
            ]
            item["attachments"] = files_of.get(m["uid"], [])
            messages.append(item)
        conversation = _clean(row, drop=("id",))
        conversation["merged_into"] = uid_of.get(row["merged_into"], row["merged_into"])
        conversation["tags"] = [t["name"] for t in parts.get("tags", [])]
        conversation["messages"] = messages
        for name in ("events", "reviews", "annotations", "survey_answers", "drafts"):
            conversation[name] = [_clean(r, drop=("conversation_id",)) for r in parts.get(name, [])]
        conversations.append(conversation)
    requests = [
        {
            "id": r.uid,
            "kind": r.kind.value,
            "status": r.status.value,
            "law": r.law_en,
            "opened_at": _iso(r.opened_at),
            "due_at": _iso(r.current_due_at),
            "fulfilled_at": _iso(r.fulfilled_at),
        }
        for r in repo.all(customer_ids=person)
    ]
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _iso(now),
        "customer": _clean(customers[0], drop=("id", "merged_into")),
        "merged_customers": [_clean(c, drop=("id", "merged_into")) for c in customers[1:]],
        "notes": [_clean(n, drop=("customer_id",)) for n in repo.customer_notes(person)],
        "conversations": conversations,
        "attachments": attachments,
        "data_requests": requests,
    }
    return document, attachments


def _counts(document: Mapping[str, Any]) -> dict[str, int]:
    conversations = document["conversations"]
    return {
        "customers": 1 + len(document["merged_customers"]),
        "notes": len(document["notes"]),
        "conversations": len(conversations),
        "messages": sum(len(c["messages"]) for c in conversations),
        "translations": sum(len(m["translations"]) for c in conversations for m in c["messages"]),
        "events": sum(len(c["events"]) for c in conversations),
        "reviews": sum(len(c["reviews"]) for c in conversations),
        "annotations": sum(len(c["annotations"]) for c in conversations),
        "survey_answers": sum(len(c["survey_answers"]) for c in conversations),
        "attachments": len(document["attachments"]),
        "attachment_files": sum(1 for a in document["attachments"] if a["file"]),
        "data_requests": len(document["data_requests"]),
    }


def export_customer(
    store: Store,
    customer_id: int,
    now: int,
    render_pdf: Callable[[str, str], bytes],
    *,
    gettext: Callable[[str], str] = lambda text: text,
    request_uid: str | None = None,
) -> bytes:
    """The archive's bytes. ``render_pdf(html, title)`` lays out the readable copy (the UI
    passes ``app.ui.report.transcript_pdf.pdf_bytes``); ``gettext`` translates its headings.
    With ``request_uid`` the export's counts are recorded on that request."""
    document, attachments = _document(store, customer_id, now)
    counts = _counts(document)
    files: list[tuple[str, bytes]] = [
        ("customer.json", json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
    ]
    total = 0
    for entry in attachments:
        if not entry["file"]:
            continue
        total += int(entry["size"] or 0)
        if total > MAX_EXPORT_FILE_BYTES:
            raise DataRequestError(
                N_(
                    "The customer's attachments are larger than {limit} MB:"
                    " too large for one archive."
                ),
                limit=MAX_EXPORT_FILE_BYTES // (1024 * 1024),
            )
        files.append(
            (entry["file"], store.attachments.read_file(entry["sha256"], MAX_EXPORT_FILE_BYTES))
        )
    _ = gettext
    title = _("Data held about customer {id}").format(id=document["customer"]["uid"])
    files.append(("customer.pdf", render_pdf(readable_html(document, gettext), title)))
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "customer": document["customer"]["uid"],
        "exported_at": document["exported_at"],
        "counts": counts,
        "files": [
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    if request_uid is not None and store.data_requests.get(request_uid[:MAX_UID_LENGTH]):
        store.data_requests.set_outcome(request_uid, counts, now)
    return buffer.getvalue()


# ------------------------------------------------------------------ the readable copy
def _text(value: object) -> str:
    """Any stored text as HTML text: escaped, line breaks kept."""
    if value is None:
        return ""
    return html.escape(str(value)).replace("\n", "<br/>")


def _pairs(rows: list[tuple[str, object]]) -> str:
    body = "".join(f"<tr><th align='left'>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    return f"<table cellpadding='3'>{body}</table>"


def readable_html(document: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """The export as one HTML page for the PDF renderer; every value escaped."""
    _ = gettext
    customer = document["customer"]
    heading = _("Data held about customer {id}").format(id=customer["uid"])
    exported = _("Exported {moment} (UTC).").format(moment=document["exported_at"])
    written = _("Written as:")
    parts = [
        f"<h1>{_text(heading)}</h1>",
        f"<p>{_text(exported)}</p>",
    ]
    for person in [customer, *document["merged_customers"]]:
        rows: list[tuple[str, object]] = [
            (_("Name"), person.get("name")),
            (_("Customer id"), person.get("uid")),
            (_("Country"), person.get("country")),
            (_("Language"), person.get("language")),
            (_("Time zone"), person.get("timezone")),
        ]
        rows += [(str(k), v) for k, v in (person.get("handles") or {}).items()]
        rows += [(str(k), v) for k, v in (person.get("fields") or {}).items()]
        parts.append(_pairs(rows))
    if document["notes"]:
        notes = _("Notes")
        parts.append(f"<h2>{_text(notes)}</h2>")
        parts += [
            f"<p><i>{_text(n.get('author'))} {_text(n.get('created_at'))}</i><br/>"
            f"{_text(n.get('body'))}</p>"
            for n in document["notes"]
        ]
    for conversation in document["conversations"]:
        heading = _("Conversation {id}").format(id=conversation["uid"])
        parts.append(f"<h2>{_text(heading)}</h2>")
        parts.append(
            _pairs(
                [
                    (_("Subject"), conversation.get("subject")),
                    (_("Channel"), conversation.get("channel")),
                    (_("Status"), conversation.get("status")),
                    (_("Opened"), conversation.get("created_at")),
                    (_("Tags"), ", ".join(conversation["tags"])),
                ]
            )
        )
        for message in conversation["messages"]:
            who = message.get("author") or message.get("kind")
            lines = [f"<p><b>{_text(who)}</b> <i>{_text(message.get('created_at'))}</i><br/>"]
            lines.append(_text(message.get("body")))
            if message.get("original_body"):
                lines.append(f"<br/><i>{_text(written)}</i> {_text(message['original_body'])}")
            for translation in message["translations"]:
                label = _("Translation ({route}):").format(route=translation["route"])
                lines.append(f"<br/><i>{_text(label)}</i> {_text(translation['text'])}")
            if message["attachments"]:
                label = _("Attachments:")
                lines.append(
                    f"<br/><i>{_text(label)}</i> {_text(', '.join(message['attachments']))}"
                )
            parts.append("".join(lines) + "</p>")
        for review in conversation["reviews"]:
            text = _("Review by {reviewer}: {total}").format(
                reviewer=review.get("reviewer") or "", total=review.get("total")
            )
            parts.append(f"<p>{_text(text)}<br/>{_text(review.get('comment'))}</p>")
        for note in conversation["annotations"]:
            parts.append(f"<p><i>{_text(note.get('kind'))}</i> {_text(note.get('body'))}</p>")
        for answer in conversation["survey_answers"]:
            kind = str(answer.get("kind", "")).upper()
            text = f"{kind} {answer.get('score')}: {answer.get('comment') or ''}"
            parts.append(f"<p>{_text(text)}</p>")
    if document["attachments"]:
        files = _("Attachments")
        parts.append(f"<h2>{_text(files)}</h2><ul>")
        parts += [
            f"<li>{_text(a.get('filename'))}"
            f" ({_text(a.get('content_type'))}, {_text(a.get('size'))})</li>"
            for a in document["attachments"]
        ]
        parts.append("</ul>")
    body = "\n".join(parts)
    return f"<html><head><meta charset='utf-8'/></head><body>{body}</body></html>"
