"""The desk killed (SIGKILL) at seeded points while it syncs, then restarted: the store
is intact and every reply the agent wrote is on the server exactly once, and locally
exactly once, in the order written.

The child kills itself at the N-th SQL statement or server response (see crash_child),
so every round dies mid-sync however fast or slow the machine is."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.contract.client import Api
from tests.sync.conftest import DeskFactory
from tests.sync.harness import Desk, customer_writes, integrity, server_messages

SEED = 4_2026  # reproducible kill points; change it to explore others
ROUNDS = 8
BATCH = 24  # replies the agent writes before each restart
ROOT = Path(__file__).resolve().parents[2]


def _spawn(config: Path, log: Path, *point: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.sync.crash_child", str(config), *point],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _kill_point(rng: random.Random, queued: int) -> tuple[str, str, int]:
    """Where this round's child dies: (what it was doing, event, N). Every point comes
    before the child could finish: a drain gets one response per queued reply, then one
    per pulled feed (agents, conversations, messages, articles), and acknowledges each
    reply in a transaction of at least four statements (measured: ten a reply)."""
    how = rng.choice(["acknowledged", "acknowledged", "store", "pull"])
    if how == "acknowledged":  # the server holds reply k; the desk has not stored that
        return how, "response", rng.randint(1, queued)
    if how == "store":  # opening the store, reading the outbox, mid-acknowledgement
        return how, "statement", rng.randint(1, 4 * queued)
    return how, "response", queued + rng.randint(1, 3)  # the push is over: pulling


def _pending(desk: Desk) -> int:
    return int(desk.query("SELECT count(*) FROM outbox")[0][0])


@pytest.mark.slow
def test_sigkill_at_seeded_points_loses_and_duplicates_nothing(
    admin: Api, make_desk: DeskFactory, tmp_path: Path
) -> None:
    """Each round the agent queues a batch of replies and customers write in; the sync
    process starts and is killed: once the server acknowledged reply k, before its k-th
    SQL statement, or when the first pull page arrives."""
    rng = random.Random(SEED)
    conversations = [admin.new_conversation()["id"] for _ in range(3)]
    desk = make_desk()  # the agent's window: signs in, pulls, writes replies
    desk.synced()
    assert desk.client.tokens is not None
    config = tmp_path / "child.json"
    config.write_text(
        json.dumps({"store": str(desk.path), "url": desk.url, "tokens": asdict(desk.client.tokens)})
    )
    log = tmp_path / "child.log"
    written: dict[str, list[str]] = {uid: [] for uid in conversations}
    customers: dict[str, int] = dict.fromkeys(conversations, 1)
    kills: list[str] = []

    for round_ in range(ROUNDS):
        for n in range(BATCH):
            uid = rng.choice(conversations)
            written[uid].append(f"round {round_} reply {n}")
            desk.reply(uid, written[uid][-1])
        for n in range(4):
            uid = rng.choice(conversations)
            customer_writes(admin, uid, f"round {round_} customer {n}")
            customers[uid] += 1
        queued = _pending(desk)
        how, event, n = _kill_point(rng, queued)
        child = _spawn(config, log, event, str(n))
        code = child.wait(timeout=60)
        assert code == -signal.SIGKILL, f"round {round_}: {how} ({event} {n}) exit {code}"
        kills.append(f"{how} at {event} {n}: {_pending(desk)} of {queued} left")

    restarted = _spawn(config, log)
    assert restarted.wait(timeout=30) == 0, log.read_text()

    assert integrity(desk.path) == "ok"
    assert desk.outbox() == []
    for uid in conversations:
        on_server = server_messages(admin, uid)
        agent = [m for m in on_server if m["kind"] == "agent"]
        assert [m["body"] for m in agent] == written[uid], kills  # once each, in order
        local = desk.agent_replies(uid)
        assert [body for _, body, _ in local] == written[uid], kills
        assert [m_uid for m_uid, _, _ in local] == [m["id"] for m in agent]
        assert {delivery for _, _, delivery in local} == {"sent"}
        local_customer = desk.query(
            "SELECT m.uid FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " WHERE c.uid = ? AND m.kind = 'customer'",
            (uid,),
        )
        server_customer = [m["id"] for m in on_server if m["kind"] == "customer"]
        assert len(server_customer) == customers[uid]
        assert sorted(u for (u,) in local_customer) == sorted(server_customer)
