"""Which error wins when several apply: the header checks a write meets before its body.

The gate has already answered 401, 429, 403 and a declared 413 from the headers alone.
Then a route that takes a JSON body checks, in this order and before reading a byte of
it: 415 (the body is not ``application/json``), 400 (no or an empty Idempotency-Key),
428 (no If-Match where the route needs one). Only then is the body validated (422).
FastAPI would validate the body first; :func:`app.server.strict.strict_body` calls
:func:`check_headers` first, so every route keeps the order GUIDE.md promises.
"""

from __future__ import annotations

from email.message import Message

from fastapi import Request
from fastapi.dependencies.models import Dependant

from app.server.idempotency import normalize_key
from app.server.problems import ProblemError

JSON_MEDIA_TYPE = "application/json"
IDEMPOTENCY_KEY = "idempotency-key"
IF_MATCH = "if-match"


def is_json(content_type: str | None) -> bool:
    """``application/json``, with no parameter or only ``charset=utf-8`` (any case)."""
    if not content_type or len(content_type) > 200:
        return False
    parsed = Message()
    parsed["content-type"] = content_type
    if parsed.get_content_type() != JSON_MEDIA_TYPE:
        return False
    charset = parsed.get_param("charset")
    return charset is None or (isinstance(charset, str) and charset.lower() == "utf-8")


def unsupported_media_type() -> ProblemError:
    return ProblemError(
        415,
        "unsupported_media_type",
        "Send the body as JSON with Content-Type: application/json (UTF-8).",
    )


def key_missing(detail: str | None = None) -> ProblemError:
    return ProblemError(
        400,
        "idempotency_key_missing",
        detail
        or "Every POST and PATCH needs an Idempotency-Key header (a fresh UUID per "
        "operation, reused on retries).",
    )


def precondition_required() -> ProblemError:
    return ProblemError(
        428,
        "precondition_required",
        'Send If-Match with the ETag you last saw, e.g. If-Match: "3".',
    )


def _required_headers(dependant: Dependant | None) -> set[str]:
    """Lower-case names of the headers a route (or its dependencies) cannot do without."""
    if dependant is None:
        return set()
    names = {
        str(field.alias).lower()
        for field in dependant.header_params
        if field.field_info.is_required()
    }
    for sub in dependant.dependencies:
        names |= _required_headers(sub)
    return names


def check_headers(request: Request) -> None:
    """415, then 400, then 428, as the route needs them; nothing when all is well."""
    if not is_json(request.headers.get("content-type")):
        raise unsupported_media_type()
    required = _required_headers(getattr(request.scope.get("route"), "dependant", None))
    if IDEMPOTENCY_KEY in required and not normalize_key(request.headers.get(IDEMPOTENCY_KEY, "")):
        raise key_missing()
    if IF_MATCH in required and IF_MATCH not in request.headers:
        raise precondition_required()
