"""The desk killed (SIGKILL) at random moments while it syncs, then restarted: the store
is intact and every reply the agent wrote is on the server exactly once, and locally
exactly once, in the order written."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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


def _spawn(config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.sync.crash_child", str(config)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_for(child: subprocess.Popen[bytes], condition: Callable[[], bool]) -> None:
    """Until the condition holds or the child has exited by itself (it may finish first)."""
    deadline = time.monotonic() + 20
    while not condition() and child.poll() is None:
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.002)


def _pending(desk: Desk) -> int:
    return int(desk.query("SELECT count(*) FROM outbox")[0][0])


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    admin: Api, make_desk: DeskFactory, tmp_path: Path
) -> None:
    """Each round the agent queues a batch of replies and customers write in; the sync
    process starts and is killed: after k replies were acknowledged, at a random time
    during start-up, or once the push is over (during the pull)."""
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
        child = _spawn(config, log)
        how = rng.choice(["acknowledged", "acknowledged", "start-up", "pull"])
        pause = 0.0
        if how == "acknowledged":  # mid-push: the next reply is on the wire, or just stored
            k = rng.randint(1, queued - 1)
            _wait_for(child, lambda k=k, queued=queued: _pending(desk) <= queued - k)
        elif how == "pull":  # the push is over: the pull is writing pages and cursors
            _wait_for(child, lambda: _pending(desk) == 0)
            pause = rng.uniform(0.0, 0.03)
        else:  # opening the store, migrating, signing the first requests
            pause = rng.uniform(0.05, 1.0)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=pause)  # a random moment (or the child ends first)
        finished = child.poll() is not None
        if not finished:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        kills.append(f"{how}: {'finished first' if finished else f'{_pending(desk)} left'}")

    restarted = _spawn(config, log)
    assert restarted.wait(timeout=30) == 0, log.read_text()
    assert sum("left" in k for k in kills) >= 3, kills  # it may finish first, not always

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
