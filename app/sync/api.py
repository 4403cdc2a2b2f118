"""The sync values the UI may name, from one Qt-free place.

``app.ui`` may not import the internals of ``app.sync`` (import-linter): it reads these
plain values, asks ``app.sync.session`` for the use cases (choose the workspace, sign in
and out, make the engine), and knows the engine only as a :class:`Syncer`. Nothing here
loads httpx or pydantic, so the window can name these before any server is contacted.
"""

from __future__ import annotations

from typing import Protocol

from app.domain.cancel import CancelToken
from app.domain.changes import Changes
from app.sync.auth import KeychainError, ServerAddressError
from app.sync.errors import NetworkError, ServerProblemError
from app.sync.report import Outcome, SyncReport
from app.sync.session import SignedIn, SignInError, WorkspaceKind, WorkspaceRef

__all__ = [
    "KeychainError",
    "NetworkError",
    "Outcome",
    "ServerAddressError",
    "ServerProblemError",
    "SignInError",
    "SignedIn",
    "SyncReport",
    "Syncer",
    "WorkspaceKind",
    "WorkspaceRef",
]


class Syncer(Protocol):
    """What the window needs of a sync engine: one cycle at a time, on the compute lane."""

    def sync_once(self, token: CancelToken | None = None) -> SyncReport:
        """Push the outbox, pull the feeds; stop between pages when ``token`` is cancelled."""
        ...

    def fetch_attachment(self, attachment_id: int) -> Changes:
        """Fetch a received file from the server (compute lane); Changes name its
        conversation once it is here or refused (``Attachment.refused_reason`` says why)."""
        ...
