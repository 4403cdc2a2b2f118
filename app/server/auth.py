"""Accounts, passwords and bearer tokens.

Passwords are argon2 hashes; tokens are random strings of which only the SHA-256 is
stored, so a leaked database grants nothing. Access tokens hang off a refresh token
(or an API token), and revoking a token revokes everything issued from it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Row, insert, select, update
from starlette.routing import BaseRoute

from app.contract.models import MAX_SCOPES, Agent, TokenResponse
from app.server import db
from app.server.config import ServerConfig
from app.server.problems import ProblemError
from app.server.state import server_state
from app.server.store import agent_from_row

ACCOUNT_ROLES = ("agent", "lead", "trainer", "admin", "integration")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")
PREFIX = {"access": "cda_", "refresh": "cdr_", "api": "cdk_"}


class AccountError(ValueError):
    """An account cannot be created as asked (said in words for the CLI)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling, through which token."""

    account_id: str
    name: str
    roles: tuple[str, ...]
    agent: Agent
    token_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# ------------------------------------------------------------------------ accounts
def create_account(
    conn: Connection,
    *,
    account_id: str,
    name: str,
    roles: list[str],
    now: int,
    password: str | None = None,
    locale: str = "en",
    languages: list[str] | None = None,
    teams: list[str] | None = None,
    regions: list[str] | None = None,
) -> None:
    """Create an account; refuse an existing id or an unknown role. ``teams`` and
    ``regions`` limit what it reads (app.server.scoping); none: everything."""
    if not _valid_id(account_id):
        raise AccountError(f"'{account_id}' is not a valid id (letters, digits, . _ : -)")
    unknown = sorted(set(roles) - set(ACCOUNT_ROLES))
    if unknown or not roles:
        raise AccountError(f"roles must be among {', '.join(ACCOUNT_ROLES)}")
    if get_account(conn, account_id) is not None:
        raise AccountError(f"an account '{account_id}' already exists")
    conn.execute(
        insert(db.accounts).values(
            id=account_id,
            name=name,
            locale=locale,
            languages=languages or [],
            roles=roles,
            password_hash=None if password is None else hash_password(password),
            created_at=now,
            teams=_scope_names(teams, "team"),
            regions=_scope_names(regions, "region"),
        )
    )


def set_scope(conn: Connection, account_id: str, *, teams: list[str], regions: list[str]) -> None:
    """Put an account in these teams and regions (empty lists: not limited). Its feed
    cursors of the old scope get 410 from now on, so its client re-reads its share."""
    if get_account(conn, account_id) is None:
        raise AccountError(f"no account '{account_id}'")
    conn.execute(
        update(db.accounts)
        .where(db.accounts.c.id == account_id)
        .values(teams=_scope_names(teams, "team"), regions=_scope_names(regions, "region"))
    )


def _scope_names(names: list[str] | None, what: str) -> list[str]:
    """Distinct team or region names within the contract's bounds, or AccountError."""
    cleaned = list(dict.fromkeys(n.strip() for n in names or []))
    if len(cleaned) > MAX_SCOPES or any(not n or len(n) > 128 for n in cleaned):
        raise AccountError(f"at most {MAX_SCOPES} {what}s of 1-128 characters each")
    return cleaned


def _valid_id(value: str) -> bool:
    try:
        Agent(id=value, name="x")
    except ValueError:
        return False
    return True


def get_account(conn: Connection, account_id: str) -> Row[Any] | None:
    return conn.execute(select(db.accounts).where(db.accounts.c.id == account_id)).first()


def check_password(conn: Connection, username: str, password: str) -> Row[Any] | None:
    """The account if the password is right; the same work is done when it is not."""
    row = get_account(conn, username)
    known = row is not None and bool(row.password_hash)
    try:
        _hasher.verify(row.password_hash if known else _DUMMY_HASH, password)  # type: ignore[union-attr]
    except (VerificationError, InvalidHashError):
        return None
    return row if known else None


# ------------------------------------------------------------------------ tokens
def _new_token(
    conn: Connection,
    kind: str,
    account_id: str,
    now: int,
    expires_at: int | None,
    parent_hash: str | None,
) -> str:
    token = PREFIX[kind] + secrets.token_urlsafe(32)
    conn.execute(
        insert(db.tokens).values(
            hash=token_hash(token),
            kind=kind,
            account_id=account_id,
            parent_hash=parent_hash,
            created_at=now,
            expires_at=expires_at,
            revoked=False,
        )
    )
    return token


def create_api_token(conn: Connection, account_id: str, now: int) -> str:
    """A long-lived token for integrations and scripts; it never expires, only revoked."""
    if get_account(conn, account_id) is None:
        raise AccountError(f"no account '{account_id}'")
    return _new_token(conn, "api", account_id, now, None, None)


def live_token(conn: Connection, token: str, kinds: tuple[str, ...], now: int) -> Row[Any] | None:
    return live_token_row(conn, token_hash(token), kinds, now)


def live_token_row(
    conn: Connection, hashed: str, kinds: tuple[str, ...], now: int
) -> Row[Any] | None:
    """The token stored under ``hashed`` if it is one of ``kinds``, not revoked and not
    expired (a held connection re-checks its token by the hash it was admitted with)."""
    row = conn.execute(select(db.tokens).where(db.tokens.c.hash == hashed)).first()
    if row is None or row.revoked or row.kind not in kinds:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return row


def issue_tokens(
    conn: Connection,
    config: ServerConfig,
    account_id: str,
    *,
    parent_hash: str | None = None,
    refresh_token: str | None = None,
) -> TokenResponse:
    """A new access token, under the given refresh token or a new one. Refresh tokens
    are not rotated: a refresh whose answer was lost can simply be repeated."""
    now = config.now()
    if refresh_token is None:
        refresh_token = _new_token(
            conn, "refresh", account_id, now, now + config.refresh_token_ttl, parent_hash
        )
    access = _new_token(
        conn,
        "access",
        account_id,
        now,
        now + config.access_token_ttl,
        token_hash(refresh_token),
    )
    return TokenResponse(
        access_token=access, expires_in=config.access_token_ttl, refresh_token=refresh_token
    )


def revoke(conn: Connection, token: str) -> None:
    """Revoke a token and, transitively, every token issued from it."""
    pending = [token_hash(token)]
    while pending:
        current = pending.pop()
        conn.execute(update(db.tokens).where(db.tokens.c.hash == current).values(revoked=True))
        children = conn.execute(
            select(db.tokens.c.hash).where(
                db.tokens.c.parent_hash == current, db.tokens.c.revoked.is_(False)
            )
        ).scalars()
        pending.extend(children)


def authenticate(conn: Connection, token: str, now: int) -> Principal | None:
    row = live_token(conn, token, ("access", "api"), now)
    if row is None:
        return None
    account = get_account(conn, row.account_id)
    if account is None:
        return None
    return Principal(
        account_id=account.id,
        name=account.name,
        roles=tuple(account.roles),
        agent=agent_from_row(account),
        token_hash=row.hash,
    )


# ------------------------------------------------------------------------ FastAPI glue
bearer = HTTPBearer(
    auto_error=False,
    description="An access token from POST /v1/auth/token, or an API token.",
)


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, or 401 ``unauthorized`` for a missing, expired or revoked token. The
    gate has usually verified it already, before the body was read; that is reused."""
    verified = request.scope.get("state", {}).get("principal")
    if isinstance(verified, Principal):
        return verified
    if credentials is None:
        raise _unauthorized("Send Authorization: Bearer <access token or API token>.")
    state = server_state(request)
    with state.db.read() as conn:
        principal = authenticate(conn, credentials.credentials, state.now())
    if principal is None:
        raise _unauthorized("The token is unknown, expired or revoked; sign in again.")
    return principal


def require_roles(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting only callers that hold one of ``roles`` (403 otherwise)."""

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not set(principal.roles) & set(roles):
            raise ProblemError(
                403, "forbidden", f"This needs one of the roles: {', '.join(roles)}."
            )
        return principal

    dependency.required_roles = roles  # type: ignore[attr-defined]  # read by required_roles
    return dependency


def required_roles(route: BaseRoute) -> list[tuple[str, ...]]:
    """Every ``require_roles`` set among a route's dependencies, so the gate can refuse
    a caller before the body is read (the route's declaration stays the one source)."""
    found: list[tuple[str, ...]] = []
    pending = [route.dependant] if isinstance(route, APIRoute) else []
    while pending:
        dependant = pending.pop()
        roles = getattr(dependant.call, "required_roles", None)
        if roles:
            found.append(tuple(roles))
        pending.extend(dependant.dependencies)
    return found


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
Admin = Annotated[Principal, Depends(require_roles("admin"))]
Integration = Annotated[Principal, Depends(require_roles("admin", "integration"))]  # a channel
