"""Strict request bodies: a JSON ``false`` is not the integer 0, nor ``"5"`` the number 5.

The contract models validate leniently (pydantic's lax mode), which suits reading
responses, but a server must reject what its schema forbids. FastAPI still declares
and parses the body; this dependency first checks the raw JSON in strict mode.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from pydantic import BaseModel, ValidationError

from app.server.preconditions import check_headers
from app.server.problems import ProblemError, field_errors


def strict_body(model: type[BaseModel]) -> Callable[[Request], Awaitable[None]]:
    """A dependency that answers 422 ``validation_failed`` unless the body is ``model``
    (after the header checks of :mod:`app.server.preconditions`, which win over it)."""

    async def check(request: Request) -> None:
        check_headers(request)  # 415, 400, 428 come before any complaint about the body
        raw = await request.body()
        try:
            model.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            raise ProblemError(
                422,
                "validation_failed",
                "The request does not match the contract; see errors.",
                errors=field_errors(errors),
            ) from exc

    return check
