"""Accounts the sync suites add to the reference server: a lead, a trainer... who signs in
on a desk with a password, as the people of those roles do."""

from __future__ import annotations

from app.server import auth
from tests.sync.conftest import Reference


def add_password_account(
    reference: Reference, account_id: str, name: str, role: str, password: str
) -> None:
    """One account with one role and a password, written straight into the server."""
    state = reference.server.state
    with state.db.write() as conn:
        auth.create_account(
            conn,
            account_id=account_id,
            name=name,
            roles=[role],
            now=state.now(),
            password=password,
        )
