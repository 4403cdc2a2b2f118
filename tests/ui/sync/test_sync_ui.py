"""The app against a real reference server on loopback: sign in, work online, go offline,
come back; conflicts shown to the agent; sign-in refusals explained."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.models import Status
from app.storage.cipher import apply_key
from app.storage.sqlite import sqlite3 as sqlcipher
from app.ui.shell.application import CrossDeskApp
from app.ui.sync.problems_dialog import SyncProblemsDialog
from app.ui.sync.sign_in_dialog import SignInDialog
from tests.helpers.keychain import MemoryKeyring
from tests.ui.helpers import thread_text
from tests.ui.sync.reference_app import (
    ReferenceServer,
    open_one_conversation,
    send_reply,
    wait_synced,
)

pytestmark = pytest.mark.gui


def test_sign_in_reply_offline_and_back_online(
    qtbot: QtBot,
    launch: CrossDeskApp,
    server: ReferenceServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    conversation, window = open_one_conversation(
        qtbot, launch, server, "Olá, meu pedido ainda não chegou."
    )
    assert server.base_url in window.windowTitle()
    status = window.sync_status
    assert status is not None
    qtbot.waitUntil(  # a cycle may still run (opening the conversation marks it read)
        lambda: status.state.text().startswith(("Online · synced at", "Live · synced at")),
        timeout=30_000,
    )  # Live: the stream

    # Tokens live in the keychain only: not in settings, not in the workspace file.
    assert memory_keyring.secrets, "the sign-in was not kept in the keychain"
    secret = next(iter(memory_keyring.tokens().values()))
    access = secret.split('"access_token": "')[1].split('"')[0]
    for file in (tmp_path / "data").rglob("*"):
        if file.is_file():
            assert access.encode() not in file.read_bytes(), f"token written to {file}"

    send_reply(qtbot, window, "Olá Ana, já verifiquei: chega amanhã.")
    qtbot.waitUntil(lambda: "Sent · " in thread_text(window), timeout=20_000)
    assert [m["body"] for m in server.agent_messages(conversation["id"])] == [
        "Olá Ana, já verifiquei: chega amanhã."
    ]

    server.stop()  # the network drops: the agent keeps working
    send_reply(qtbot, window, "Segue o código de rastreio: BR123.")
    wait_synced(qtbot, window)
    status = window.sync_status.state.text()  # type: ignore[union-attr]
    assert "Offline" in status and "1 change to send" in status
    assert "Queued: sent as soon as the server is reachable" in thread_text(window)

    server.start()
    wait_synced(qtbot, window)
    qtbot.waitUntil(
        lambda: "Queued" not in thread_text(window) and thread_text(window).count("Sent · ") == 2,
        timeout=20_000,
    )
    assert [m["body"] for m in server.agent_messages(conversation["id"])] == [
        "Olá Ana, já verifiquei: chega amanhã.",
        "Segue o código de rastreio: BR123.",
    ]
    state = window.sync_status.state.text()  # type: ignore[union-attr]
    assert state.startswith(("Online · synced at", "Live · synced at"))  # Live: the stream


@pytest.mark.parametrize(("choice", "final"), [("keepTheirs", "pending"), ("keepMine", "resolved")])
def test_a_stale_status_change_is_shown_to_the_agent_to_decide(
    qtbot: QtBot,
    launch: CrossDeskApp,
    server: ReferenceServer,
    memory_keyring: MemoryKeyring,
    choice: str,
    final: str,
) -> None:
    conversation, window = open_one_conversation(qtbot, launch, server, "Where is my parcel?")
    assert window.sync is not None
    window.sync.stop()  # no timer cycles: this test decides when sync runs
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)

    # A lead puts it on hold on the server while our agent, offline, resolves it.
    current = server.admin.conversation(conversation["id"])
    patched = server.admin.patch(
        f"/v1/conversations/{conversation['id']}",
        {"status": "pending"},
        if_match=current.headers["ETag"],
    )
    assert patched.status_code == 200, patched.text
    server.stop()
    window.conversation.set_status(Status.RESOLVED)
    wait_synced(qtbot, window)
    server.start()
    wait_synced(qtbot, window)

    status = window.sync_status
    assert status is not None
    qtbot.waitUntil(lambda: status.attention.isVisible(), timeout=10_000)
    assert status.attention.text() == "1 needs attention"
    dialog = window.open_sync_problems()
    assert isinstance(dialog, SyncProblemsDialog)
    qtbot.waitUntil(lambda: len(dialog.problems) == 1, timeout=10_000)
    detail = dialog.findChild(object, "syncProblemDetail")
    assert detail is not None
    text = detail.text()  # type: ignore[attr-defined]
    assert "Someone else changed this conversation" in text
    assert "Status: you changed Open to Resolved; it is now Pending." in text
    # Nothing was overwritten on the server while the agent had not decided.
    assert server.admin.conversation(conversation["id"]).json()["status"] == "pending"

    button = dialog.findChild(object, choice)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: not dialog.problems, timeout=10_000)
    wait_synced(qtbot, window)
    assert not status.attention.isVisible()
    assert server.admin.conversation(conversation["id"]).json()["status"] == final
    store = launch.choice.path
    key = launch.keys.opened_with
    assert key is not None  # a server workspace is encrypted at rest: only its key reads it
    conn = sqlcipher.connect(store)
    apply_key(conn, key, store)
    with conn:
        local = conn.execute(
            "SELECT status FROM conversations WHERE uid = ?", (conversation["id"],)
        ).fetchone()
        queued = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert (local[0], queued) == (final, 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("crossdesk.example.com", "starting with https://"),
        ("http://crossdesk.example.com", "is not encrypted. Use https://"),
    ],
)
def test_sign_in_refuses_an_unusable_address(
    qtbot: QtBot, launch: CrossDeskApp, url: str, expected: str
) -> None:
    dialog = launch.open_sign_in()
    assert isinstance(dialog, SignInDialog)
    dialog.url.setText(url)
    dialog.username.setText("li.wei")
    dialog.password.setText("secret")
    dialog.submit()
    assert expected in dialog.status.text()
    assert dialog.isVisible() and launch.choice.kind == "demo"


def test_sign_in_without_a_safe_keychain_says_what_to_install(
    qtbot: QtBot, launch: CrossDeskApp, server: ReferenceServer
) -> None:
    """The test machine has keyring's "fail" backend, like a headless Linux box."""
    dialog = launch.open_sign_in()
    dialog.url.setText(server.base_url)
    dialog.username.setText(server.seed.agent_id)
    dialog.password.setText(server.seed.agent_password)
    dialog.submit()
    qtbot.waitUntil(lambda: "keychain" in dialog.status.text(), timeout=10_000)
    assert "No secure keychain is available" in dialog.status.text()
    assert "GNOME Keyring or KWallet" in dialog.status.text()
    assert launch.choice.kind == "demo"


def test_wrong_password_is_named_and_keeps_what_was_typed(
    qtbot: QtBot, launch: CrossDeskApp, server: ReferenceServer, memory_keyring: MemoryKeyring
) -> None:
    dialog = launch.open_sign_in()
    dialog.url.setText(server.base_url)
    dialog.username.setText(server.seed.agent_id)
    dialog.password.setText("not-the-password")
    dialog.submit()
    qtbot.waitUntil(lambda: "not right" in dialog.status.text(), timeout=10_000)
    assert dialog.status.text() == "The user name or password is not right."
    assert dialog.url.text() == server.base_url and dialog.username.text() == server.seed.agent_id
    assert not memory_keyring.secrets


def test_sign_out_forgets_the_tokens_and_keeps_the_queued_work(
    qtbot: QtBot, launch: CrossDeskApp, server: ReferenceServer, memory_keyring: MemoryKeyring
) -> None:
    _conversation, window = open_one_conversation(qtbot, launch, server, "Hello?")
    store = launch.choice.path
    refresh = next(iter(memory_keyring.tokens().values())).split('"refresh_token": "')[1]
    refresh = refresh.split('"')[0]
    window.sign_out_requested.emit()
    qtbot.waitUntil(
        lambda: launch.choice.kind == "demo" and not memory_keyring.tokens(), timeout=20_000
    )
    qtbot.waitUntil(lambda: launch.window is not None, timeout=20_000)
    assert "Local only: no server configured" in launch.window.workspace_label.text()
    # The server revoked the session: the refresh token no longer works.
    response = server.admin.with_token(None).post(
        "/v1/auth/token", {"grant_type": "refresh_token", "refresh_token": refresh}, key=None
    )
    assert response.status_code == 401
    assert store.is_file()  # the server workspace's local copy stays for the next sign-in


def test_a_revoked_session_offers_to_sign_in_again(
    qtbot: QtBot, launch: CrossDeskApp, server: ReferenceServer, memory_keyring: MemoryKeyring
) -> None:
    _conversation, window = open_one_conversation(qtbot, launch, server, "Hello?")
    tokens = next(iter(memory_keyring.tokens().values()))
    refresh = tokens.split('"refresh_token": "')[1].split('"')[0]
    revoked = server.admin.post("/v1/auth/revoke", {"token": refresh}, key=None)
    assert revoked.status_code == 204
    status = window.sync_status
    assert status is not None
    signed_out = "Signed out by the server: sign in again"
    wait_synced(qtbot, window)  # a cycle that began before the revocation may still succeed:
    if status.state.text() != signed_out:
        wait_synced(qtbot, window)  # the next one starts after it
    assert status.state.text() == signed_out
    assert status.sign_in.isVisible()
    with qtbot.waitSignal(window.sign_in_requested):
        qtbot.mouseClick(status.sign_in, Qt.MouseButton.LeftButton)
    dialogs = window.findChildren(SignInDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.url.text() == server.base_url
    assert dialog.username.text() == server.seed.agent_id


def test_sign_out_revokes_even_with_both_compute_workers_busy(
    qtbot: QtBot, launch: CrossDeskApp, server: ReferenceServer, memory_keyring: MemoryKeyring
) -> None:
    """Sign-out queues the revoke and switches the workspace at once, shutting the runner
    down. Before: that shutdown cancelled every queued compute task, so with a sync cycle
    and a translation running the revoke never started and the tokens stayed."""
    _conversation, window = open_one_conversation(qtbot, launch, server, "Hello?")
    refresh = next(iter(memory_keyring.tokens().values())).split('"refresh_token": "')[1]
    refresh = refresh.split('"')[0]
    runner = launch.tasks
    release = threading.Event()
    started = threading.Barrier(3)

    def busy() -> None:  # a long translation batch, a draft check...
        started.wait(10)
        release.wait(10)

    runner.run(busy)
    runner.run(busy)
    started.wait(10)  # both compute workers are taken
    window.sign_out_requested.emit()
    qtbot.waitUntil(lambda: launch.choice.kind == "demo", timeout=20_000)
    release.set()  # the busy work ends after the switch; the revoke was queued behind it
    qtbot.waitUntil(lambda: not memory_keyring.tokens(), timeout=20_000)
    response = server.admin.with_token(None).post(
        "/v1/auth/token", {"grant_type": "refresh_token", "refresh_token": refresh}, key=None
    )
    assert response.status_code == 401  # the server revoked the session
