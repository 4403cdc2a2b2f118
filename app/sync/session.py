"""The session, without Qt: which workspace is open, signing in and out, the sync engine.

The Qt shell (``app.ui.shell.application``) only asks these questions and shows the
answers; everything here runs on the compute lane or anywhere else (tests, scripts).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config.paths import Paths
from app.config.settings import ServerWorkspace, Settings
from app.sync import auth

if TYPE_CHECKING:  # httpx, tenacity and pydantic load only for a server workspace
    from app.contract import models as wire
    from app.contract.audit_models import AuditPage
    from app.sync.api import LiveState, LiveStream, Syncer
    from app.sync.engine import StoreCall, SyncEngine

log = logging.getLogger(__name__)


class WorkspaceKind(StrEnum):
    DEMO = "demo"
    FILE = "file"
    SERVER = "server"


@dataclass(frozen=True, slots=True)
class WorkspaceRef:
    """Which local store the window works on: the demo, a file, or a server's mirror."""

    kind: WorkspaceKind
    path: Path
    server: ServerWorkspace | None = None
    agent_name: str | None = None
    ca_bundle: str | None = None

    @property
    def server_url(self) -> str:
        return self.server.server_url if self.server else ""

    @property
    def agent_id(self) -> str:
        return self.server.agent_id if self.server else ""

    def display_name(self) -> str:
        """The workspace as the window names it."""
        if self.kind is WorkspaceKind.DEMO:
            return "demo"
        return self.path.stem if self.kind is WorkspaceKind.FILE else self.server_url


def choose_workspace(
    paths: Paths, settings: Settings, *, file: Path | None = None, demo: bool = False
) -> WorkspaceRef:
    """The command line first (a file, or the demo), then a signed-in server, else the demo."""
    if file is not None:
        return WorkspaceRef(WorkspaceKind.FILE, file)
    server = settings.workspace
    if demo or server is None:
        return WorkspaceRef(WorkspaceKind.DEMO, paths.demo_workspace)
    slug = hashlib.sha256(server.account.encode("utf-8")).hexdigest()[:16]
    return WorkspaceRef(
        WorkspaceKind.SERVER,
        paths.data_dir / "workspaces" / f"server-{slug}.sqlite3",
        server,
        settings.workspace_agent_name,
        settings.ca_bundle,
    )


@dataclass(frozen=True, slots=True)
class SignedIn:
    server_url: str
    agent: wire.Agent
    ca_bundle: str | None

    def settings(self, current: Settings) -> Settings:
        """The preferences that open this server's workspace next."""
        return current.with_(
            workspace=ServerWorkspace(self.server_url, self.agent.id),
            ca_bundle=self.ca_bundle,
            workspace_agent_name=self.agent.name,
        )


def check_server_url(url: str) -> str:
    """The address the agent typed, checked and normalised before signing in (no network;
    raises :class:`~app.sync.auth.ServerAddressError` with the reason)."""
    return auth.check_server_url(url)


class SignInError(Exception):
    """The server accepted the credentials but gave no tokens (a broken server)."""


def sign_in(
    url: str, username: str, password: str, api_token: str, ca_bundle: str | None
) -> SignedIn:
    """Compute lane: check the keychain first (no point signing in without one), get
    tokens, read who we are, keep the tokens in the keychain only."""
    from app.sync.client import ServerClient

    url = auth.check_server_url(url)
    auth.check_backend()
    client = ServerClient(url, verify=ca_bundle or True)
    try:
        client.sign_in(username=username, password=password, api_token=api_token or None)
        me = client.me()
        if client.tokens is None:
            raise SignInError(f"{url} signed in without giving a token")
        auth.save(url, me.agent.id, client.tokens)
    finally:
        client.close()
    return SignedIn(url, me.agent, ca_bundle)


def sign_out(workspace: WorkspaceRef) -> None:
    """Compute lane, a must-run task: revoke the session on the server, then forget the
    tokens (always: offline, the server forgets the token when it expires)."""
    from app.sync.client import ServerClient

    url, agent = workspace.server_url, workspace.agent_id
    try:
        client = ServerClient(url, tokens=auth.load(url, agent), verify=workspace.ca_bundle or True)
        try:
            client.sign_out()
        finally:
            client.close()
    except Exception:  # offline, or the keychain is gone: nothing more to revoke
        log.info("could not revoke the session at %s", url, exc_info=True)
    finally:
        auth.forget(url, agent)


def make_engine(
    workspace: WorkspaceRef, store_call: StoreCall[Any], clock: Callable[[], int]
) -> SyncEngine:
    """Compute lane (reading the keychain may take a moment): the engine of a server
    workspace, its client keeping refreshed tokens in the keychain."""
    from app.sync.client import ServerClient
    from app.sync.engine import SyncEngine

    url, agent = workspace.server_url, workspace.agent_id
    client = ServerClient(
        url,
        tokens=auth.load(url, agent),
        on_tokens=lambda tokens: auth.save(url, agent, tokens),
        verify=workspace.ca_bundle or True,
    )
    return SyncEngine(client, store_call, clock)


def audit_reader(engine: Syncer | None) -> Callable[[int], AuditPage] | None:
    """Compute lane: the admin's reader of the server's review audit log, for a server
    workspace's engine (None for the demo or a file; see app.sync.audit)."""
    from app.sync.audit import reader_for

    return reader_for(engine)


def live_listener(
    engine: Syncer,
    on_changes: Callable[[tuple[str, ...]], None],
    on_connected: Callable[[], None],
    on_state: Callable[[LiveState], None],
) -> LiveStream | None:
    """The live-update stream of the workspace ``engine`` syncs (sharing its client: one
    set of tokens, refreshed once for both), not started; None for an engine without one."""
    from app.sync.engine import SyncEngine
    from app.sync.live import LiveListener

    if not isinstance(engine, SyncEngine):
        return None
    return LiveListener(
        engine.client, on_changes=on_changes, on_connected=on_connected, on_state=on_state
    )
