"""Files on messages: ``PUT /v1/attachments/{sha256}`` uploads, ``GET`` downloads.

Uploads are content-addressed, so a retry (or the same photo sent twice) is the same
blob: the first upload answers 201, every later one 200, and nothing is stored twice.
The server reads the type from the bytes (the same rules as the client,
``app.domain.attachments.inspect``), refuses what it would not serve back (415), a hash
that does not match the bytes (422 ``hash_mismatch``) and more than the size limit
(413, cut off by the gate while the body streams). Downloads are served as attachments
with ``nosniff``, never as something a browser would render.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from app.contract.models import AttachmentBlob, Problem
from app.domain.attachments import (
    ALLOWED_TYPES,
    MAX_ATTACHMENT_BYTES,
    SNIFF_BYTES,
    AttachmentError,
    inspect,
)
from app.server import attachment_store
from app.server.auth import CurrentPrincipal
from app.server.idempotency import json_response
from app.server.problems import ProblemError, responses
from app.server.state import server_state

router = APIRouter(tags=["attachments"])

BlobId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="The file's SHA-256, lower-case hex")
]
_UNSUPPORTED: dict[int | str, dict[str, Any]] = {
    415: {
        "model": Problem,
        "description": "`unsupported_media_type`: not a type the server accepts, or not what "
        "the bytes are",
    }
}
_CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": AttachmentBlob, "description": "Stored"}
}
_UPLOAD_TYPES = {kind: {"schema": {"type": "string"}} for kind in sorted(ALLOWED_TYPES)}
_BINARY = {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}


def _unsupported(detail: str) -> ProblemError:
    return ProblemError(415, "unsupported_media_type", detail)


@router.put(
    "/v1/attachments/{sha256}",
    response_model=AttachmentBlob,
    responses={**responses(401, 413, 422), **_UNSUPPORTED, **_CREATED},
    openapi_extra={"requestBody": {"required": True, "content": _UPLOAD_TYPES}},
)
async def put_attachment(
    request: Request,
    sha256: BlobId,
    principal: CurrentPrincipal,
) -> Response:
    """Upload a file as the raw body with its Content-Type (images png/jpeg/gif/webp, PDF,
    plain text, CSV, office documents; at most 20 MiB; images at most 40 million pixels).
    201 when stored, 200 when a file with this hash is there already (idempotent: no
    Idempotency-Key needed). The answer's ``id`` is what a message names it by."""
    declared = request.headers.get("Content-Type", "")[:255].split(";")[0].strip().lower()
    if declared not in ALLOWED_TYPES:
        raise _unsupported(f"Content-Type '{declared[:100]}' is not accepted.")
    data = await request.body()
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ProblemError(413, "content_too_large", "A file may have at most 20 MiB.")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ProblemError(
            422, "hash_mismatch", "The body's SHA-256 is not the one in the path; upload again."
        )
    try:
        kind = inspect(data[:SNIFF_BYTES], sha256[:12], len(data), whole=data)
    except AttachmentError as error:
        raise _unsupported(str(error)) from error
    if kind.content_type != declared and not {kind.content_type, declared} <= {
        "text/plain",
        "text/csv",
    }:
        raise _unsupported(f"The bytes are {kind.content_type}, not {declared}.")
    blob = AttachmentBlob(
        id=sha256,
        sha256=sha256,
        size=len(data),
        content_type=declared if declared == "text/csv" else kind.content_type,
        width=kind.width,
        height=kind.height,
    )
    state = server_state(request)

    def store() -> tuple[AttachmentBlob, bool]:
        try:
            with state.db.write() as conn:
                return attachment_store.put_blob(
                    conn, blob, data, principal.account_id, state.now()
                )
        except IntegrityError:  # the same file uploaded at the same moment: it is there now
            with state.db.read() as conn:
                stored = attachment_store.get_blob(conn, sha256)
            if stored is None:
                raise
            return stored, False

    stored, created = await run_in_threadpool(store)
    return json_response(201 if created else 200, stored.model_dump_json())


@router.get(
    "/v1/attachments/{sha256}",
    response_class=Response,
    responses={**responses(401, 404, 422), 200: {"description": "The file", **_BINARY}},
)
def get_attachment(request: Request, sha256: BlobId, _principal: CurrentPrincipal) -> Response:
    """Download a file: its bytes with the type the server found in them, as an
    attachment (``nosniff``); the ETag is the hash."""
    state = server_state(request)
    with state.db.read() as conn:
        found = attachment_store.read_blob(conn, sha256)
    if found is None:
        raise ProblemError(404, "not_found", f"No attachment '{sha256}'.")
    blob, data = found
    return Response(
        data,
        media_type=blob.content_type,
        headers={
            "ETag": f'"{blob.sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "attachment",
            "Cache-Control": "private, max-age=31536000, immutable",
        },
    )
