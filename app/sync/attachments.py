"""Attachments over the contract: a reply's files uploaded before the reply, and a
received file fetched when the thread needs it.

Uploads are ``PUT /v1/attachments/{sha256}``: idempotent by content, so a retry after a
lost answer, or the same file on two replies, costs nothing. A refused upload (too large,
a type the server does not take) marks the file refused with the server's words and
parks the reply (needs attention), so the agent sees why and nothing is sent half.

Downloads come only from the signed-in server, through its client, are cut off past
the size the server announced (and the app's limit), and are kept only if their hash
is the one announced and their bytes are what the type says (``inspect``): a file that
fails is marked refused with the reason, and the thread shows that instead.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from app.contract import models as wire
from app.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    SNIFF_BYTES,
    Attachment,
    AttachmentError,
    AttachmentState,
    corrupted,
    inspect,
    larger_than_announced,
    malformed,
    unreadable,
)
from app.domain.changes import NOTHING, Changes
from app.storage.attachments import FileTooLarge
from app.storage.store import Store
from app.storage.sync_store import Operation
from app.sync.client import ServerClient
from app.sync.errors import ServerProblemError

StoreCall = Any  # Callable[[Callable[[Store], T]], T] (app.sync.engine.StoreCall)
_PROBLEM_BYTES = 64 * 1024  # of an error answer read while downloading
_TEXT = frozenset({"text/plain", "text/csv"})


def payload_with_files(
    client: ServerClient, store_call: StoreCall, op: Operation
) -> dict[str, Any]:
    """The send operation's body, with its message's files uploaded and named in it."""
    uid = op.message_uid
    if uid is None:
        return op.payload
    files: tuple[Attachment, ...] = store_call(lambda repo: repo.attachments.for_message_uid(uid))
    if not files:
        return op.payload
    refs = []
    for item in files:
        remote_id = item.remote_id
        if remote_id is None or item.state not in (
            AttachmentState.UPLOADED,
            AttachmentState.REMOTE,
        ):
            remote_id = _upload(client, store_call, item)
        refs.append({"id": remote_id, "filename": item.filename})
    return {**op.payload, "attachments": refs}


def _refusal(status: int, code: str, detail: str) -> ServerProblemError:
    """A problem found here, parked like a server's refusal (the outbox shows ``detail``)."""
    title = "Attachment refused"
    return ServerProblemError(
        status, wire.Problem(title=title, status=status, code=code, detail=detail), None, None
    )


def _upload(client: ServerClient, store_call: StoreCall, item: Attachment) -> str:
    def read(repo: Store) -> bytes:
        return repo.attachments.read_file(item.sha256, MAX_ATTACHMENT_BYTES)

    try:
        data = store_call(read)
    except (OSError, FileTooLarge, ValueError) as error:
        raise _refusal(422, "attachment_missing", str(unreadable(item.filename))) from error
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise _refusal(422, "attachment_changed", str(corrupted(item.filename)))
    try:
        response = client.request(
            "PUT",
            f"/v1/attachments/{item.sha256}",
            content=data,
            headers={"Content-Type": item.content_type},
        )
    except ServerProblemError as problem:
        if not problem.transient and problem.status < 500 and problem.status != 401:
            reason = f"{item.filename}: {problem.problem.detail or problem.problem.title}"
            store_call(lambda repo: repo.attachments.set_refused(item.id, reason))
        raise
    try:
        blob = wire.AttachmentBlob.model_validate(response.json())
    except (ValueError, ValidationError) as error:
        raise _refusal(502, "malformed_response", "The server's answer is not a file") from error
    if blob.sha256 != item.sha256:
        raise _refusal(502, "malformed_response", "The server stored another file")
    store_call(lambda repo: repo.attachments.set_uploaded(item.id, blob.id))
    return blob.id


# ---------------------------------------------------------------------- fetching
def fetch(client: ServerClient, store_call: StoreCall, attachment_id: int) -> Changes:
    """Compute lane: fetch a received file so the thread can show it. Changes name the
    conversation when the file arrived or was refused; NOTHING when there was nothing to
    do. NetworkError / ServerProblemError (transient) leave it to be tried again."""
    item: Attachment | None = store_call(lambda repo: repo.attachments.attachment(attachment_id))
    if item is None or item.state is AttachmentState.REFUSED or item.remote_id is None:
        return NOTHING
    if item.path is not None and item.path.is_file():
        return NOTHING
    limit = min(item.size, MAX_ATTACHMENT_BYTES)
    try:
        data = _download(client, f"/v1/attachments/{_segment(item.remote_id)}", limit)
        if hashlib.sha256(data).hexdigest() != item.sha256:
            raise corrupted(item.filename)
        kind = inspect(data[:SNIFF_BYTES], item.filename, len(data), whole=data)
        if (
            kind.content_type != item.content_type
            and {kind.content_type, item.content_type} - _TEXT
        ):
            raise malformed(item.filename)
    except FileTooLarge:
        return _refuse(store_call, item, larger_than_announced(item.filename))
    except AttachmentError as error:
        return _refuse(store_call, item, error)
    except ServerProblemError as problem:
        if problem.status in (404, 410, 413, 415, 422):
            return _refuse(
                store_call, item, f"{item.filename}: {problem.problem.detail or problem}"
            )
        raise

    def keep(repo: Store) -> None:
        with repo.transaction():
            repo.attachments.put_bytes(data)
            repo.attachments.set_stored(item.id, item.sha256)

    store_call(keep)
    return Changes.of(item.conversation_id)


def _refuse(store_call: StoreCall, item: Attachment, reason: AttachmentError | str) -> Changes:
    store_call(lambda repo: repo.attachments.set_refused(item.id, reason))
    return Changes.of(item.conversation_id)


def _segment(remote_id: str) -> str:
    if remote_id in (".", ".."):  # the contract's id pattern allows them; a path does not
        raise _refusal(422, "invalid_attachment_id", "Not a file id")
    return quote(remote_id, safe="")


def _download(client: ServerClient, path: str, limit: int) -> bytes:
    """GET a file from the signed-in server, reading no more than ``limit`` bytes
    (FileTooLarge past it); one token refresh on 401, like every other request."""
    with client._one_at_a_time:  # one request at a time, as ServerClient.request does
        for refreshed in (False, True):
            headers = {"User-Agent": "CrossDesk"}
            if client.tokens is not None:
                headers["Authorization"] = f"Bearer {client.tokens.access_token}"
            try:
                with client.http.stream("GET", path, headers=headers) as response:
                    if response.status_code == 401 and not refreshed and client._refresh():
                        continue
                    if response.status_code >= 400:
                        raise _problem_of(response)
                    return _read_bounded(response, limit)
            except httpx.TransportError as exc:
                raise client.unreachable(exc) from exc
    raise _refusal(401, "unauthorized", "Signed out")


def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FileTooLarge(int(declared))
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise FileTooLarge(total)
        chunks.append(chunk)
    return b"".join(chunks)


def _problem_of(response: httpx.Response) -> ServerProblemError:
    """The error answer of a streamed request (its problem document, bounded)."""
    try:
        problem = wire.Problem.model_validate_json(_read_bounded(response, _PROBLEM_BYTES))
    except (ValidationError, ValueError, FileTooLarge):
        status = response.status_code
        problem = wire.Problem(
            title=response.reason_phrase or "Error", status=status, code=f"http_{status}"
        )
    retry = response.headers.get("Retry-After", "")
    return ServerProblemError(
        response.status_code,
        problem,
        float(retry) if retry.isdigit() else None,
        response.headers.get("X-Request-Id"),
    )
