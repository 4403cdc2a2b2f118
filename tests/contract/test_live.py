"""GET /v1/events: the optional live-update stream (contract 1.1, guide: Live updates).

Core tests run against whatever backend is under test: where it advertises
``capabilities.live_events`` they read the stream for real over HTTP; where it does not,
they check the fallback a client relies on instead (``/v1/me`` says false and the feeds
answer, so the client polls). The reference server's bounds and timings (heartbeat,
token expiry, stream limits, PostgreSQL fan-out) are tested on servers of its own,
started with short settings, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.contract.models import LIVE_FEEDS
from app.server.live import LISTENER_NAME
from tests.contract.client import Api, expect_problem, wait_until
from tests.contract.live_stream import Event, Stream
from tests.contract.plugin import ContractServer
from tests.contract.server import RunningServer, reference_config, seed

FEEDS = set(LIVE_FEEDS)
WAKE_WITHIN = 1.0  # seconds from a write's answer to the event that names it


def live_or_fallback(api: Api) -> bool:
    """Whether the backend streams; if it does not, that the client's fallback holds:
    /v1/me says so (false or absent) and the change feeds answer for polling."""
    me = api.get("/v1/me")
    assert me.status_code == 200, me.text
    flag = me.json()["capabilities"].get("live_events", False)
    assert isinstance(flag, bool)
    if not flag:
        assert api.feed("conversations", limit=1).status_code == 200
        assert api.feed("messages", limit=1).status_code == 200
    return flag


def open_stream(api: Api, last_event_id: str | None = None) -> Stream:
    stream = Stream(api.base_url, api.token, last_event_id).open()
    assert stream.status == 200, stream.body
    return stream


def changes(event: Event) -> set[str]:
    assert event.kind == "changes", event
    data = event.json()
    assert data["position"] == event.id
    feeds = set(data["feeds"])
    assert feeds and feeds <= FEEDS, feeds
    return feeds


# ------------------------------------------------------------------------ core
def test_the_stream_opens_with_retry_and_ready(api: Api) -> None:
    if not live_or_fallback(api):
        return
    with open_stream(api) as stream:
        ready = stream.next_event()
        assert stream.headers is not None
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-store"
        assert stream.lines[:2] == ["retry: 2000", ""]
        assert ready.kind == "ready"
        data = ready.json()
        assert ready.id and data["position"] == ready.id
        assert isinstance(data["heartbeat"], int | float) and data["heartbeat"] > 0


def test_a_customer_message_wakes_the_stream_within_a_second(api: Api) -> None:
    if not live_or_fallback(api):
        return
    with open_stream(api) as stream:
        ready = stream.next_event()
        response = api.inbound(channel="whatsapp")
        answered = time.monotonic()
        assert response.status_code == 201, response.text
        event = stream.next_event(timeout=5)
        assert {"conversations", "messages"} <= changes(event)
        assert event.id != ready.id
        assert event.at - answered < WAKE_WITHIN, f"woke {event.at - answered:.3f}s late"


def test_a_patch_wakes_the_stream_with_the_conversations_feed(api: Api) -> None:
    if not live_or_fallback(api):
        return
    conversation = api.new_conversation()
    with open_stream(api) as stream:
        stream.next_event()
        response = api.patch(
            f"/v1/conversations/{conversation['id']}",
            {"status": "pending"},
            if_match=f'"{conversation["version"]}"',
        )
        answered = time.monotonic()
        assert response.status_code == 200, response.text
        event = stream.next_event(timeout=5)
        assert "conversations" in changes(event)
        assert event.at - answered < WAKE_WITHIN


def test_last_event_id_names_the_feeds_changed_since(api: Api) -> None:
    if not live_or_fallback(api):
        return
    with open_stream(api) as stream:
        heard = stream.next_event().id
    assert heard is not None
    api.new_conversation()  # while no stream is open
    with open_stream(api, last_event_id=heard) as stream:
        ready, catch_up = stream.next_event(), stream.next_event()
        assert ready.kind == "ready" and ready.id != heard
        assert {"conversations", "messages"} <= changes(catch_up)
        assert catch_up.id == ready.id


def test_a_current_last_event_id_needs_no_catch_up(api: Api) -> None:
    """Reconnecting with the position just heard: ready, then only what happens next."""
    if not live_or_fallback(api):
        return
    with open_stream(api) as stream:
        heard = stream.next_event().id
    with open_stream(api, last_event_id=heard) as stream:
        assert stream.next_event().kind == "ready"
        api.new_conversation()
        event = stream.next_event(timeout=5)
        assert {"conversations", "messages"} <= changes(event)
        assert event.id != heard


@pytest.mark.parametrize("last_event_id", ["not-a-position", "0", "x" * 300])
def test_an_unknown_last_event_id_names_every_feed(api: Api, last_event_id: str) -> None:
    if not live_or_fallback(api):
        return
    with open_stream(api, last_event_id=last_event_id) as stream:
        assert stream.next_event().kind == "ready"
        assert {"conversations", "messages"} <= changes(stream.next_event())


def test_the_stream_needs_a_token(anonymous: Api, api: Api) -> None:
    expect_problem(anonymous.get("/v1/events"), 401, "unauthorized")
    refused = Stream(api.base_url, "cda_not-a-token").open()
    expect_problem(_as_response(refused), 401, "unauthorized")


def _as_response(stream: Stream) -> httpx.Response:
    assert stream.status is not None and stream.headers is not None
    return httpx.Response(stream.status, headers=stream.headers, content=stream.body)


@pytest.mark.reference
def test_the_reference_server_advertises_live_events(api: Api) -> None:
    assert api.get("/v1/me").json()["capabilities"]["live_events"] is True


# ------------------------------------------------------------------------ reference
class LiveServer:
    """A reference server of this module's own, with the short settings a test needs."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.base_url = server.base_url
        self.admin = Api(server.base_url, None)
        self._api_token = seed(server).admin_token

    @property
    def hub(self) -> Any:
        return self.server.app.state.live.hub

    def sign_in(self) -> Api:
        """A fresh access token of the admin (subject to the server's token TTL)."""
        response = self.admin.post(
            "/v1/auth/token", {"grant_type": "api_token", "api_token": self._api_token}, key=None
        )
        assert response.status_code == 200, response.text
        return self.admin.with_token(response.json()["access_token"])

    def api_token_client(self) -> Api:
        """The admin's API token itself: it never expires."""
        return self.admin.with_token(self._api_token)


@pytest.fixture
def live_server(
    contract_server: ContractServer, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Any]:
    """``live_server(**settings)`` starts a reference server on the backend under test
    (SQLite when that is an outside backend); all are stopped after the test."""
    started: list[LiveServer] = []

    def start(**settings: Any) -> LiveServer:
        url = None
        if contract_server.backend == "postgres":
            url = request.getfixturevalue("postgres_cluster").create_database("live")
        config = reference_config(tmp_path / f"live-{len(started)}", url, **settings)
        server = LiveServer(RunningServer(config).start())
        started.append(server)
        return server

    yield start
    for server in started:
        server.admin.close()
        server.server.stop()


@pytest.mark.reference
def test_heartbeats_come_at_the_advertised_interval(live_server: Any) -> None:
    server = live_server(live_heartbeat=0.25)
    with open_stream(server.sign_in()) as stream:
        assert stream.next_event().json()["heartbeat"] == 0.25
        wait_until(lambda: len(stream.comments) >= 3, timeout=5, what="three heartbeats")
        times = [at for at, _ in stream.comments[:3]]
        assert all(text == "keep-alive" for _, text in stream.comments)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert all(gap > 0.1 for gap in gaps) and sum(gaps) / len(gaps) < 1.0, gaps


@pytest.mark.reference
def test_the_stream_ends_when_the_access_token_expires(live_server: Any) -> None:
    server = live_server(access_token_ttl=2)
    api = server.sign_in()
    opened = time.monotonic()
    with open_stream(api) as stream:
        stream.next_event()
        assert stream.ended.wait(6), "the stream outlived its token"
        assert stream.error is None, stream.error
        assert 0.5 < time.monotonic() - opened < 4
    # and it ended because the token did: the token is refused from then on
    wait_until(lambda: api.get("/v1/me").status_code == 401, timeout=3, what="the expiry")
    wait_until(lambda: server.hub.streams == 0, timeout=5, what="the slot to be freed")


@pytest.mark.reference
def test_the_stream_ends_within_a_heartbeat_of_its_token_being_revoked(live_server: Any) -> None:
    server = live_server(live_heartbeat=0.25)
    response = server.admin.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": server._api_token}, key=None
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    api = server.admin.with_token(tokens["access_token"])
    with open_stream(api) as stream:
        stream.next_event()
        assert not stream.ended.wait(0.8), "the stream ended with its token still good"
        revoked = server.admin.post(
            "/v1/auth/revoke", {"token": tokens["refresh_token"]}, key=None
        )  # signing out revokes the session's access token too
        assert revoked.status_code == 204, revoked.text
        assert stream.ended.wait(3), "the stream outlived its revoked token"
        assert stream.error is None, stream.error
    assert api.get("/v1/me").status_code == 401
    wait_until(lambda: server.hub.streams == 0, timeout=5, what="the slot to be freed")


@pytest.mark.reference
def test_the_stream_ends_after_its_longest_lifetime(live_server: Any) -> None:
    server = live_server(live_max_seconds=0.5)
    with open_stream(server.api_token_client()) as stream:  # an API token never expires
        stream.next_event()
        assert stream.ended.wait(5)
        assert stream.error is None, stream.error
        assert stream.lines[-1] == ""  # ended after a whole event, cleanly


@pytest.mark.reference
def test_too_many_streams_of_one_account_is_429(live_server: Any) -> None:
    server = live_server(live_streams_per_account=2)
    api = server.sign_in()
    first, second = open_stream(api), open_stream(api)
    try:
        refused = Stream(api.base_url, api.token).open()
        problem = expect_problem(_as_response(refused), 429, "rate_limited")
        assert problem.retryable
        assert refused.headers is not None and int(refused.headers["retry-after"]) >= 1
        first.close()
        wait_until(lambda: server.hub.streams == 1, timeout=5, what="the slot to be freed")
        third = open_stream(api)
        assert third.next_event().kind == "ready"
        third.close()
    finally:
        first.close()
        second.close()


@pytest.mark.reference
def test_too_many_streams_in_one_process_is_503(live_server: Any) -> None:
    server = live_server(live_streams_per_process=1)
    api = server.sign_in()
    with open_stream(api):
        refused = Stream(api.base_url, api.token).open()
        expect_problem(_as_response(refused), 503, "service_unavailable")
        assert refused.headers is not None and "retry-after" in refused.headers


# ------------------------------------------------------------------------ PostgreSQL
@pytest.fixture
def pg_servers(postgres_cluster: Any, tmp_path: Path) -> Iterator[Any]:
    """``pg_servers(n)``: n reference servers on one new PostgreSQL database (as several
    processes would be; here each in a thread of its own, with its own LISTEN
    connection) and an API token of an admin on it. SQLite is one process by design."""
    started: list[RunningServer] = []

    def start(count: int) -> tuple[list[RunningServer], str]:
        url = postgres_cluster.create_database("fanout")
        for n in range(count):
            started.append(RunningServer(reference_config(tmp_path / f"pg-{n}", url)).start())
        return started, seed(started[0]).admin_token

    yield start
    for server in started:
        server.stop()


def _signed_in(server: RunningServer, api_token: str) -> Api:
    signer = Api(server.base_url, None)
    response = signer.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": api_token}, key=None
    )
    signer.close()
    assert response.status_code == 200, response.text
    return Api(server.base_url, response.json()["access_token"])


@pytest.mark.reference
def test_a_write_through_one_server_wakes_a_stream_on_another(pg_servers: Any) -> None:
    (reader, writer), api_token = pg_servers(2)
    listening, writing = _signed_in(reader, api_token), _signed_in(writer, api_token)
    try:
        with open_stream(listening) as stream:
            stream.next_event()
            response = writing.inbound()
            answered = time.monotonic()
            assert response.status_code == 201, response.text
            event = stream.next_event(timeout=5)
            assert {"conversations", "messages"} <= changes(event)
            assert event.at - answered < WAKE_WITHIN
    finally:
        listening.close()
        writing.close()


@pytest.mark.reference
def test_the_listener_comes_back_after_losing_the_database(
    pg_servers: Any, postgres_cluster: Any
) -> None:
    """The LISTEN connection is killed (as by a database restart): the server reconnects,
    and a stream hears a write made after that, without reconnecting itself."""
    import psycopg

    (server,), api_token = pg_servers(1)
    listener = server.app.state.live.listener
    assert listener is not None and listener.connections == 1
    api = _signed_in(server, api_token)
    try:
        with open_stream(api) as stream:
            stream.next_event()
            dbname = server.state.db.engine.url.database
            with psycopg.connect(postgres_cluster.conninfo("postgres"), autocommit=True) as admin:
                killed = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND application_name = %s",
                    (dbname, LISTENER_NAME),
                ).fetchall()
            assert killed == [(True,)]
            wait_until(lambda: listener.connections == 2, timeout=10, what="a new LISTEN")
            assert api.inbound().status_code == 201
            assert {"conversations", "messages"} <= changes(stream.next_event(timeout=5))
    finally:
        api.close()
