"""The sync values the UI may name, from one Qt-free place.

``app.ui`` may not import the internals of ``app.sync`` (import-linter): it reads these
plain values, asks ``app.sync.session`` for the use cases (choose the workspace, sign in
and out, make the engine), and knows the engine only as a :class:`Syncer`. Nothing here
loads httpx or pydantic, so the window can name these before any server is contacted.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from app.domain.cancel import CancelToken
from app.domain.changes import Changes
from app.sync.auth import KeychainError, ServerAddressError
from app.sync.errors import NetworkError, ServerProblemError
from app.sync.report import Outcome, SyncReport
from app.sync.session import SignedIn, SignInError, WorkspaceKind, WorkspaceRef

__all__ = [
    "KeychainError",
    "LiveState",
    "LiveStream",
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


class LiveState(StrEnum):
    """Where the live-update stream stands (the window polls slowly only while LIVE)."""

    CONNECTING = "connecting"
    LIVE = "live"  # connected: changes arrive within a second
    DOWN = "down"  # lost: reconnecting with backoff, the window polls meanwhile
    UNSUPPORTED = "unsupported"  # the backend has no stream: polling only, no error
    SIGNED_OUT = "signed_out"  # the token was refused even after a refresh
    STOPPED = "stopped"


class LiveStream(Protocol):
    """One live-update connection on a thread of its own (``app.sync.live``)."""

    def start(self) -> None:
        """Connect (on its own thread), and keep reconnecting until stopped."""
        ...

    def stop(self, timeout: float = 2.0) -> bool:
        """Close the connection and end the thread; True when it ended within ``timeout``."""
        ...

    def poke(self) -> None:
        """The network changed: drop the connection and reconnect at once."""
        ...
