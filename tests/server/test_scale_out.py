"""Several reference-server processes on one PostgreSQL, written through all at once.

Three real ``crossdesk-server`` commands share one throwaway cluster: two single
processes and one ``--workers 2`` (four server processes in all), started together on
an empty database (so schema creation itself is raced). Nothing shared may live in one
process's memory: sequences, idempotency, optimistic concurrency and rate limits must
hold across them exactly as within one.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.server import auth
from app.server.asgi import config_from_env, config_to_env
from app.server.config import ConfigError, ServerConfig
from app.server.db import Database
from app.server.scale import open_database
from app.server.shared_limits import SharedRateLimiter
from tests.contract.client import Api, expect_problem, new_id
from tests.contract.live_stream import Stream
from tests.contract.postgres import PostgresCluster
from tests.server.server_processes import ServerProcess, start_all, stop_all

RATE_LIMIT = 300  # per token per minute, in every process
AGENTS = [f"agent.{n}" for n in range(8)]
PASSWORD = "scale-password-1"


@dataclass
class Fleet:
    servers: list[ServerProcess]
    admin_token: str
    agent_tokens: dict[str, str]
    database_url: str
    mint: Callable[[str], str]  # a fresh API token for an agent (its own rate bucket)

    @property
    def urls(self) -> list[str]:
        return [server.base_url for server in self.servers]


@pytest.fixture(scope="module")
def fleet(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    url = postgres_cluster.create_database("scale")
    options = ["--rate-limit", str(RATE_LIMIT)]
    servers = start_all(
        url, [options, options, [*options, "--workers", "2"]], tmp_path_factory.mktemp("logs")
    )
    database = open_database(ServerConfig(database_url=url))
    try:
        now = int(time.time())
        with database.write() as conn:
            auth.create_account(conn, account_id="admin", name="Admin", roles=["admin"], now=now)
            admin_token = auth.create_api_token(conn, "admin", now)
            tokens = {}
            for agent in AGENTS:
                auth.create_account(
                    conn, account_id=agent, name=agent, roles=["agent"], now=now, password=PASSWORD
                )
                tokens[agent] = auth.create_api_token(conn, agent, now)

        def mint(agent: str) -> str:
            with database.write() as conn:
                return auth.create_api_token(conn, agent, int(time.time()))

        yield Fleet(servers, admin_token, tokens, url, mint)
    finally:
        database.dispose()
        stop_all(servers)


def _client(base_url: str, token: str | None) -> Api:
    return Api(base_url, token)


def _post_message(
    api: Api, conversation_id: str, *, key: str | None = None, **extra: Any
) -> httpx.Response:
    body = {"id": new_id("m"), "kind": "agent", "body": "On its way.", **extra}
    return api.post(
        f"/v1/conversations/{conversation_id}/messages", body, key=key or str(uuid.uuid4())
    )


def test_every_process_answers_and_the_workers_are_separate_processes(fleet: Fleet) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda url: httpx.get(
                    f"{url}/v1/me", headers={"Authorization": f"Bearer {fleet.admin_token}"}
                ),
                fleet.urls * 4,
            )
        )
    assert {a.status_code for a in answers} == {200}
    assert len(fleet.servers) == 3 and all(s.process.poll() is None for s in fleet.servers)
    assert "2 worker processes" in fleet.servers[2].log()


def test_writes_through_every_process_keep_sequences_gap_free_for_a_feed_reader(
    fleet: Fleet,
) -> None:
    """Agents reply through all four processes while customers write in through two of
    them; a reader follows the messages feed through a third process all the while and
    must see every conversation's seqs as 1, 2, 3, ... with nothing skipped or repeated."""
    admin = _client(fleet.urls[0], fleet.admin_token)
    conversations = [admin.new_conversation(channel="web_chat") for _ in range(4)]
    ids = [c["id"] for c in conversations]
    customers = {c["id"]: c["customer"]["id"] for c in conversations}
    reader = _client(fleet.urls[1], fleet.mint("agent.7"))
    _, _, cursor = reader.drain("messages")
    done = threading.Event()
    seen: dict[str, int] = {cid: 1 for cid in ids}
    seen_ids: set[str] = set()
    problems: list[str] = []

    def follow() -> None:
        try:
            read_until_done()
        except Exception as exc:  # said in the test's failure, not lost in a thread
            problems.append(f"reader failed: {exc!r}")

    def read_until_done() -> None:
        nonlocal cursor
        while True:
            last_round = done.is_set()
            items, _, cursor = reader.drain("messages", cursor)
            for message in items:
                cid = message["conversation_id"]
                if message["id"] in seen_ids:
                    problems.append(f"message {message['id']} seen twice")
                seen_ids.add(message["id"])
                if cid in seen and message["seq"] != seen[cid] + 1:
                    problems.append(f"{cid}: seq {message['seq']} after {seen[cid]}")
                seen[cid] = max(seen.get(cid, 0), message["seq"])
            if last_round:
                return
            done.wait(0.05)  # a client's polling pace, cut short when the writers finish

    def reply(index: int) -> list[int]:
        agent = AGENTS[index]
        api = _client(fleet.urls[index % 3], fleet.agent_tokens[agent])
        statuses = []
        for n in range(10):
            statuses.append(_post_message(api, ids[(index + n) % len(ids)]).status_code)
        api.close()
        return statuses

    def customer(index: int) -> list[int]:
        api = _client(fleet.urls[2 * index], fleet.admin_token)  # processes 1 and 3
        statuses = []
        for n in range(10):
            cid = ids[(index + n) % len(ids)]
            statuses.append(
                api.inbound(cid, customer_id=customers[cid], channel="web_chat").status_code
            )
        api.close()
        return statuses

    reader_thread = threading.Thread(target=follow)
    reader_thread.start()
    with ThreadPoolExecutor(8) as pool:
        replies = [pool.submit(reply, i) for i in range(6)]
        inbound = [pool.submit(customer, i) for i in range(2)]
        statuses = [s for f in replies + inbound for s in f.result()]
    done.set()
    reader_thread.join(timeout=60)
    assert statuses == [201] * 80
    assert problems == []
    assert sum(seen[cid] for cid in ids) == 4 + 80  # each conversation's first message, then all 80
    other = _client(fleet.urls[2], fleet.agent_tokens["agent.6"])
    for cid in ids:  # and the same from another reader, conversation by conversation
        page = other.get(f"/v1/conversations/{cid}/messages", params={"limit": 200})
        seqs = [m["seq"] for m in page.json()["items"]]
        assert seqs == list(range(1, len(seqs) + 1)) and seqs[-1] == seen[cid]
    for api in (admin, reader, other):
        api.close()


def test_a_retry_on_another_process_replays_instead_of_duplicating(fleet: Fleet) -> None:
    admin = _client(fleet.urls[0], fleet.admin_token)
    conversation = admin.new_conversation()
    clients = [_client(url, fleet.agent_tokens["agent.0"]) for url in fleet.urls]
    key, body = str(uuid.uuid4()), {"id": new_id("m"), "kind": "agent", "body": "Refund sent."}
    path = f"/v1/conversations/{conversation['id']}/messages"
    first = clients[0].post(path, body, key=key)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    for api in clients[1:]:  # the lost-response retry, through the other processes
        again = api.post(path, body, key=key)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
    # The same key sent to every process at the same instant: one runs, the others
    # replay it or are told it is in flight; never two messages.
    key, body = str(uuid.uuid4()), {"id": new_id("m"), "kind": "agent", "body": "Again."}
    barrier = threading.Barrier(len(clients) * 2)

    def send(api: Api) -> httpx.Response:
        barrier.wait()
        return api.post(path, body, key=key)

    with ThreadPoolExecutor(len(clients) * 2) as pool:
        answers = list(pool.map(send, clients * 2))
    fresh = [a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers]
    assert len(fresh) == 1
    for answer in answers:
        if answer.status_code == 409:
            expect_problem(answer, 409, "idempotency_in_flight")
        else:
            assert answer.status_code == 201 and answer.json() == fresh[0].json()
    listed = clients[-1].get(path).json()["items"]
    assert [m["body"] for m in listed].count("Again.") == 1
    for api in clients:
        api.close()
    admin.close()


def test_concurrent_patches_across_processes_one_wins_the_rest_get_412(fleet: Fleet) -> None:
    admin = _client(fleet.urls[0], fleet.admin_token)
    conversation = admin.new_conversation()
    path, version = f"/v1/conversations/{conversation['id']}", conversation["version"]
    clients = [_client(fleet.urls[i % 3], fleet.agent_tokens[AGENTS[i]]) for i in range(6)]
    barrier = threading.Barrier(len(clients))

    def patch(pair: tuple[int, Api]) -> httpx.Response:
        index, api = pair
        barrier.wait()
        return api.patch(path, {"tags": {"add": [f"by-{index}"]}}, if_match=f'"{version}"')

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(patch, enumerate(clients)))
    winners = [a for a in answers if a.status_code == 200]
    assert len(winners) == 1
    for answer in answers:
        if answer.status_code != 200:
            expect_problem(answer, 412, "version_mismatch")
            assert answer.json()["current"]["version"] == version + 1
    final = clients[5].conversation(conversation["id"]).json()
    assert final["tags"] == winners[0].json()["tags"] and len(final["tags"]) == 1
    for api in clients:
        api.close()
    admin.close()


def test_the_rate_limit_is_one_bucket_across_processes(fleet: Fleet) -> None:
    """A token spread over four processes gets RATE_LIMIT a minute in all, not each."""
    token = fleet.mint("agent.5")
    clients = [_client(url, token) for url in fleet.urls]
    started = time.monotonic()

    def burst(api: Api) -> list[int]:
        return [api.get("/v1/me").status_code for _ in range(170)]

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = [s for batch in pool.map(burst, clients) for s in batch]
    elapsed = time.monotonic() - started
    refill = elapsed * RATE_LIMIT / 60
    assert set(statuses) == {200, 429}
    assert RATE_LIMIT <= statuses.count(200) <= RATE_LIMIT + refill + 1, (
        statuses.count(200),
        elapsed,
    )
    throttled = clients[1].get("/v1/me")
    if throttled.status_code == 429:
        assert int(throttled.headers["retry-after"]) >= 1
    for api in clients:
        api.close()


def test_failed_sign_ins_are_counted_across_processes(fleet: Fleet) -> None:
    """The per-account throttle (10 failures per 15 minutes) holds wherever they land."""
    anonymous = [_client(url, None) for url in fleet.urls]
    body = {"grant_type": "password", "username": "agent.4", "password": "wrong"}
    statuses = [
        anonymous[n % 3].post("/v1/auth/token", body, key=None).status_code for n in range(14)
    ]
    assert statuses == [401] * 10 + [429] * 4
    good = {**body, "password": PASSWORD}
    expect_problem(anonymous[2].post("/v1/auth/token", good, key=None), 429, "rate_limited")
    for api in anonymous:
        api.close()


def test_a_stream_on_one_process_wakes_on_a_write_through_another(fleet: Fleet) -> None:
    """Streams held on every process (the --workers one too) hear a customer message
    delivered through another process within a second (LISTEN/NOTIFY)."""
    token = fleet.mint("agent.3")
    streams = [Stream(url, token).open() for url in fleet.urls for _ in range(2)]
    admin = _client(fleet.urls[0], fleet.admin_token)
    try:
        for stream in streams:
            stream.events_until("ready")
        conversation = admin.new_conversation(channel="whatsapp")
        for index, url in enumerate([*fleet.urls[1:], fleet.urls[0]]):
            writer = _client(url, fleet.agent_tokens[AGENTS[index]])
            sent = time.monotonic()
            assert _post_message(writer, conversation["id"]).status_code == 201
            answered = time.monotonic()
            writer.close()
            for stream in streams:
                event = stream.events_until("changes", timeout=5.0)[-1]
                while "messages" not in event.json()["feeds"] or event.at < sent:
                    event = stream.events_until("changes", timeout=5.0)[-1]
                assert event.at - answered < 1.0, (stream.base_url, event.at - answered)
    finally:
        for stream in streams:
            stream.close()
        admin.close()


# ------------------------------------------------------------------ the bucket itself


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def database(postgres_cluster: PostgresCluster) -> Iterator[Database]:
    database = open_database(ServerConfig(database_url=postgres_cluster.create_database("bucket")))
    yield database
    database.dispose()


def test_a_shared_bucket_refills_like_the_in_memory_one(database: Database) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(database.engine, "t1", 3, window=60.0, clock=clock)
    assert [limiter.check("k") for _ in range(3)] == [None] * 3
    assert limiter.check("k") == pytest.approx(20.0)  # one token per 20 s
    assert limiter.wait("k") == pytest.approx(20.0)
    clock.now += 10
    assert limiter.check("k") == pytest.approx(10.0)  # a refusal takes nothing
    clock.now += 10
    assert limiter.wait("k") is None and limiter.check("k") is None
    limiter.charge("k")  # a failure that already happened counts even when empty
    assert limiter.wait("k") == pytest.approx(20.0)
    assert limiter.check("other") is None and len(limiter) == 2
    long_key = "x" * 5000  # a hostile user name is stored as its hash, not refused
    assert limiter.check(long_key) is None and len(limiter) == 3


def test_no_two_takers_get_the_last_token(database: Database) -> None:
    """Many threads, each with its own connection, take from one 10-token bucket at the
    same frozen instant: exactly ten get a token."""
    limiter = SharedRateLimiter(database.engine, "t2", 10, window=60.0, clock=Clock())
    barrier = threading.Barrier(24)

    def take(_: int) -> float | None:
        barrier.wait()
        return limiter.check("shared")

    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(take, range(24)))
    assert answers.count(None) == 10


def test_refilled_buckets_are_deleted_by_housekeeping(database: Database) -> None:
    clock = Clock()
    limiter = SharedRateLimiter(database.engine, "t3", 5, window=60.0, clock=clock)
    for n in range(200):
        limiter.check(f"a:{n}")
    assert len(limiter) == 200
    clock.now += 30
    limiter.check("a:recent")
    clock.now += 31  # the 200 are full again; a:recent is not
    assert limiter.prune() >= 200  # every limiter's refilled buckets, these among them
    assert len(limiter) == 1
    with database.read() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM rate_buckets WHERE key LIKE 't3|%'")
            ).scalar_one()
            == 1
        )


# ------------------------------------------------------------------ --workers settings


def test_worker_settings_travel_through_the_environment(tmp_path: Path) -> None:
    config = ServerConfig(
        database_url="postgresql+psycopg://u@h/d", rate_limit=7, max_body_bytes=70_000
    )
    back = config_from_env(config_to_env(config))
    assert (back.database_url, back.rate_limit, back.max_body_bytes) == (
        "postgresql+psycopg://u@h/d",
        7,
        70_000,
    )
    local = config_from_env(config_to_env(ServerConfig(data_dir=tmp_path / "d")))
    assert local.data_dir == (tmp_path / "d").resolve()
    for raw, words in [
        (None, "set CROSSDESK_SERVER_CONFIG"),
        ("{", "not JSON"),
        ('{"clock": 1}', "keys among"),
    ]:
        with pytest.raises(ConfigError, match=words):
            config_from_env(raw)
