"""Errors as RFC 9457 problem details with a stable ``code``, for every failure path.

Clients branch on ``code`` and ``retryable``, never on prose, so every error the
server can produce (including FastAPI's own validation and routing errors) goes
through :func:`problem_response`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from app.contract.models import FieldError, Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("crossdesk.server")


class ProblemError(Exception):
    """Raise from anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        *,
        title: str | None = None,
        retryable: bool = False,
        errors: Sequence[FieldError] = (),
        current: dict[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.retryable = retryable
        self.errors = list(errors)
        self.current = current
        self.headers = dict(headers or {})


def problem_body(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    title: str | None = None,
    retryable: bool = False,
    errors: Sequence[FieldError] = (),
    current: dict[str, object] | None = None,
) -> dict[str, Any]:
    problem = Problem(
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        retryable=retryable,
        errors=list(errors),
        current=current,
    )
    return problem.model_dump(mode="json", exclude_none=True)


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, instance=instance, **extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def _pointer(loc: Sequence[int | str]) -> str:
    """``("body", "tags", "add", 0)`` -> ``/tags/add/0``; parameters -> ``query:limit``."""
    if not loc:
        return ""
    where, *rest = loc
    if where == "body":
        if rest and isinstance(rest[0], int) and len(rest) == 1:  # position of a JSON syntax error
            return ""
        return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in rest)
    return f"{where}:{'.'.join(str(part) for part in rest)}".lower()


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    return [
        FieldError(pointer=_pointer(e.get("loc", ())), code=str(e["type"]), detail=str(e["msg"]))
        for e in errors
    ]


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        instance=request.url.path,
        headers=exc.headers,
        title=exc.title,
        retryable=exc.retryable,
        errors=exc.errors,
        current=exc.current,
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    """Map FastAPI's validation errors onto the contract's codes: a missing
    Idempotency-Key is 400, a missing If-Match 428, a malformed cursor 400, the rest 422."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    path = request.url.path
    found = {
        (tuple(str(part).lower() for part in error.get("loc", ())), str(error["type"]))
        for error in errors
    }
    # One order whatever order FastAPI found them in (GUIDE.md, "Which error wins").
    if found & {(("header", "idempotency-key"), t) for t in ("missing", "string_too_short")}:
        return problem_response(
            400,
            "idempotency_key_missing",
            "Every POST and PATCH needs an Idempotency-Key header (a fresh UUID per "
            "operation, reused on retries).",
            instance=path,
        )
    if (("header", "if-match"), "missing") in found:
        return problem_response(
            428,
            "precondition_required",
            'Send If-Match with the ETag you last saw, e.g. If-Match: "3".',
            instance=path,
        )
    if any(loc == ("query", "cursor") for loc, _type in found):
        return problem_response(
            400,
            "invalid_cursor",
            "The cursor is not one this server issued; start again without a cursor.",
            instance=path,
        )
    return problem_response(
        422,
        "validation_failed",
        "The request does not match the contract; see errors.",
        instance=path,
        errors=field_errors(errors),
    )


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for this path (for 405's Allow header). A
    literal path wins over a template (/v1/conversations/changes is not {id})."""
    path = request.url.path
    matches: list[tuple[int, dict[str, Any]]] = []
    for template, item in request.app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            matches.append((template.count("{"), item))
    if not matches:
        return []
    fewest = min(params for params, _ in matches)
    return sorted({m.upper() for params, item in matches if params == fewest for m in item})


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    if exc.status_code == 404:
        return problem_response(404, "not_found", "No such resource.", instance=path)
    if exc.status_code == 405:
        allow = ", ".join(allowed_methods(request))
        return problem_response(
            405,
            "method_not_allowed",
            f"{request.method} is not supported here; allowed: {allow}.",
            instance=path,
            headers={"Allow": allow},
        )
    if exc.status_code == 413:  # normally answered by the gate, before the app
        return problem_response(
            413,
            "content_too_large",
            "The request body is too large for this server.",
            instance=path,
        )
    if exc.status_code == 400:  # FastAPI could not even decode the body (e.g. not UTF-8)
        return problem_response(
            422,
            "validation_failed",
            "The request body is not valid JSON text.",
            instance=path,
            errors=[FieldError(pointer="", code="json_invalid", detail=str(exc.detail))],
        )
    code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    return problem_response(
        exc.status_code,
        code,
        str(exc.detail),
        instance=path,
        headers=dict(exc.headers or {}),
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)


_DESCRIPTIONS = {
    400: "Bad request: `idempotency_key_missing` or `invalid_cursor`",
    401: "`unauthorized` (no, unknown, expired or revoked token) or `invalid_credentials`",
    403: "`forbidden`: the account lacks the role",
    404: "`not_found`",
    409: "`idempotency_in_flight` (retryable), `message_id_conflict` (this message id holds "
    "other content), `conversation_conflict` (this conversation id belongs to another "
    "customer) or `conflict` (a concurrent request changed the same data; retryable); "
    "retry with the same Idempotency-Key when `retryable`",
    410: "`cursor_expired`: wipe this collection and take a new snapshot",
    413: "`content_too_large`: the body is over the server's limit",
    415: "`unsupported_media_type`: the body is not `application/json` (UTF-8)",
    412: "`version_mismatch`: `current` holds the conversation as it is now",
    422: "`validation_failed` (see `errors`) or `idempotency_key_reused`",
    428: "`precondition_required`: send If-Match",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with."""
    return {status: {"model": Problem, "description": _DESCRIPTIONS[status]} for status in statuses}
