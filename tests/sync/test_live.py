"""The live-update listener: its wire decoded within bounds, its backoff, and the
connection itself against a scripted stream server (refusals, silence, garbage, sleep,
401) and against the real reference server (see the end of the file)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.sync.api import LiveState
from app.sync.auth import Tokens
from app.sync.client import ServerClient
from app.sync.live import LiveListener
from app.sync.live_wire import (
    MAX_EVENT_BYTES,
    EventReader,
    clock_jumped,
    parse_feeds,
    parse_heartbeat,
    parse_retry_after,
    reconnect_delay,
)
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory, Reference
from tests.sync.proxy import Answer, Reply
from tests.sync.server_process import ServerProcess
from tests.sync.sse_fake import FakeStreamServer, Plan, changes, fake_stream_server, ready
from tests.sync.test_tls import self_signed


# ------------------------------------------------------------------------ the pure parts
def test_backoff_is_exponential_with_full_jitter_and_a_cap() -> None:
    top = [reconnect_delay(n, rand=lambda: 1.0) for n in range(1, 10)]
    assert top == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert reconnect_delay(0) == 0.0  # no failure: at once
    assert reconnect_delay(5, rand=lambda: 0.0) == 0.0  # full jitter reaches zero
    assert reconnect_delay(3, rand=lambda: 0.25) == 1.0
    draws = {round(reconnect_delay(4), 6) for _ in range(200)}
    assert len(draws) > 150 and all(0 <= d <= 8 for d in draws)


def test_backoff_honours_retry_after_within_bounds() -> None:
    assert reconnect_delay(1, 30, rand=lambda: 0.5) == 30
    assert reconnect_delay(1, 10**9) == 3600  # from outside: bounded
    assert reconnect_delay(1, float("nan"), rand=lambda: 0.5) == 0.5
    assert reconnect_delay(2, -5, rand=lambda: 0.5) == 1.0
    assert parse_retry_after("7") == 7
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_clock_jump_means_the_machine_slept() -> None:
    assert not clock_jumped(1000, 50, 1010, 60)  # both moved 10 s
    assert clock_jumped(1000, 50, 4600, 60)  # an hour asleep, 10 s awake
    assert clock_jumped(1000, 50, 900, 60)  # the wall clock was set back
    assert not clock_jumped(1000, 50, 1015, 60, tolerance=20)


def test_events_are_decoded_across_chunks_and_line_endings() -> None:
    reader = EventReader()
    stream = ready("3.9", 15) + b": keep-alive\r\n\r\n" + changes("3.10", "messages")
    events = [e for i in range(0, len(stream), 7) for e in reader.feed(stream[i : i + 7])]
    assert [(e.event, e.id) for e in events] == [("ready", "3.9"), ("changes", "3.10")]
    assert parse_heartbeat(events[0].data) == 15
    assert parse_feeds(events[1].data) == ("messages",)
    crlf = EventReader().feed(b"event: changes\r\ndata: {}\r\r")
    assert [e.event for e in crlf] == ["changes"]


def test_oversized_lines_and_events_are_dropped_with_bounded_memory() -> None:
    reader = EventReader(limit=1024)
    endless = b"x" * 5000
    for _ in range(200):  # a megabyte on one line, never ending: nothing kept
        assert reader.feed(endless) == []
    assert len(reader._pending) <= 1024
    assert reader.feed(b"\n\n") == [] and reader.dropped == 1
    many = b"event: changes\n" + b"data: aaaaaaaaaa\n" * 200 + b"\n"  # 3 KB of data lines
    assert reader.feed(many) == [] and reader.dropped == 2
    assert [e.event for e in reader.feed(changes("1.2", "messages"))] == ["changes"]
    reader.feed(b"id: " + b"9" * 300 + b"\n\n")  # an over-long id is not kept
    assert reader.last_id == "1.2"


@pytest.mark.parametrize(
    "data",
    ["", "not json", "[1]", '{"feeds": "messages"}', '{"feeds": null}', "[" * 100_000],
)
def test_unreadable_changes_events_are_none(data: str) -> None:
    assert parse_feeds(data) is None


def test_feed_names_are_checked_one_by_one() -> None:
    data = '{"feeds": ["messages", 7, "", "x" , "a b", "training/attempts", "messages", null]}'
    assert parse_feeds(data) == ("messages", "x", "training/attempts")
    assert parse_feeds('{"feeds": ["' + "y" * 65 + '"]}') == ()
    assert parse_heartbeat('{"heartbeat": 0}') == 0.5
    assert parse_heartbeat('{"heartbeat": 1e9}') == 300
    assert parse_heartbeat('{"heartbeat": true}') is None
    assert parse_heartbeat('{"heartbeat": "15"}') is None


# ------------------------------------------------------------------------ the connection
@dataclass
class Heard:
    """What the listener called back, with a way to wait for it."""

    changes: list[tuple[str, ...]] = field(default_factory=list)
    connected: int = 0
    states: list[LiveState] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def on_changes(self, feeds: tuple[str, ...]) -> None:
        with self.cond:
            self.changes.append(feeds)
            self.cond.notify_all()

    def on_connected(self) -> None:
        with self.cond:
            self.connected += 1
            self.cond.notify_all()

    def on_state(self, state: LiveState) -> None:
        with self.cond:
            self.states.append(state)
            self.cond.notify_all()

    def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        with self.cond:
            assert self.cond.wait_for(condition, timeout), self


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """For what the fake server records (its handler threads have no condition to share)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def fake() -> Iterator[FakeStreamServer]:
    with fake_stream_server() as server:
        yield server


Listen = Callable[..., tuple[LiveListener, Heard]]


@pytest.fixture
def listen(fake: FakeStreamServer) -> Iterator[Listen]:
    made: list[LiveListener] = []

    def factory(
        server: FakeStreamServer | None = None,
        url: str | None = None,
        verify: bool | str = True,
        **options: object,
    ) -> tuple[LiveListener, Heard]:
        url = url or (server or fake).base_url
        client = ServerClient(url, tokens=Tokens("access-0", "refresh-0", 2**40), verify=verify)
        heard = Heard()
        options.setdefault("base", 0.01)
        listener = LiveListener(
            client,
            on_changes=heard.on_changes,
            on_connected=heard.on_connected,
            on_state=heard.on_state,
            **options,  # type: ignore[arg-type]
        )
        made.append(listener)
        listener.start()
        return listener, heard

    yield factory
    for listener in made:
        assert listener.stop(2.0)
        listener.client.close()


def test_changes_are_heard_and_stop_ends_the_thread_at_once(
    fake: FakeStreamServer, listen: Listen
) -> None:
    listener, heard = listen()
    heard.wait(lambda: heard.connected == 1)
    assert listener.state is LiveState.LIVE
    fake.push(changes("1.2", "messages", "conversations"))
    heard.wait(lambda: heard.changes == [("messages", "conversations")])
    started = time.monotonic()
    assert listener.stop(2.0)  # the read was blocked on a silent, healthy stream
    assert time.monotonic() - started < 0.5
    assert not listener.alive and heard.states[-1] is LiveState.STOPPED
    fake.push(changes("1.3", "messages"))
    assert heard.changes == [("messages", "conversations")]
    request = fake.events_requests()[0]
    assert request.headers["Authorization"] == "Bearer access-0"
    assert request.headers["Accept"] == "text/event-stream"


def test_garbage_and_oversized_events_are_ignored(fake: FakeStreamServer, listen: Listen) -> None:
    listener, heard = listen()
    heard.wait(lambda: heard.connected == 1)
    fake.push(b"event: changes\ndata: " + b"{" * (MAX_EVENT_BYTES + 10) + b"\n\n")
    fake.push(b"data: " + b"z" * (3 * MAX_EVENT_BYTES) + b"\n\n")  # one long line, no event
    fake.push(b"event: changes\ndata: not json\n\n")
    fake.push(b'event: changes\ndata: {"feeds": [1, null, {"a": 1}]}\n\n')
    fake.push(b"event: surprise\ndata: {}\n\n\xff\xfe\x00garbage\n\n")
    fake.push(b'event: changes\ndata: {"feeds": ["messages"], "extra": [1, 2]}\n\n')
    heard.wait(lambda: heard.changes == [("messages",)])
    assert listener.alive and listener.state is LiveState.LIVE
    assert len(fake.events_requests()) == 1  # the same connection all along


def test_reconnects_at_once_after_a_clean_end_with_last_event_id(
    fake: FakeStreamServer, listen: Listen
) -> None:
    fake.plans.append(Plan(body=ready("5.1")))
    _listener, heard = listen()
    heard.wait(lambda: heard.connected == 1)
    fake.push(changes("5.7", "articles"))
    heard.wait(lambda: heard.changes == [("articles",)])
    fake.end()  # the server ends the stream (its token expired, its time limit)
    heard.wait(lambda: heard.connected == 2)
    second = fake.events_requests()[1]
    assert second.headers["Last-Event-ID"] == "5.7"
    assert heard.states == [LiveState.LIVE, LiveState.DOWN, LiveState.LIVE]


def test_failures_back_off_exponentially_then_honour_retry_after(
    fake: FakeStreamServer, listen: Listen
) -> None:
    problem = b'{"status": 503, "code": "service_unavailable", "title": "Busy"}'
    fake.plans += [Plan(500, b"{}"), Plan(502, b"{}"), Plan(500, b"{}")]
    fake.plans.append(Plan(503, problem, {"Retry-After": "1"}))
    listener, heard = listen(rand=lambda: 1.0, base=0.05)
    heard.wait(lambda: heard.connected == 1)
    assert listener.delays[:3] == [0.05, 0.1, 0.2]
    assert listener.delays[3] == 1.0  # Retry-After over the backoff's 0.4 s
    times = [s.at for s in fake.events_requests()]
    assert times[4] - times[3] >= 1.0
    assert heard.states == [LiveState.DOWN, LiveState.LIVE]


def test_backoff_resets_after_a_healthy_stream(fake: FakeStreamServer, listen: Listen) -> None:
    fake.plans += [Plan(500, b"{}"), Plan(500, b"{}"), Plan(), Plan(500, b"{}")]
    listener, heard = listen(rand=lambda: 1.0, base=0.05, healthy_seconds=0.3)
    heard.wait(lambda: heard.connected == 1)
    connected_at = time.monotonic()
    wait_until(lambda: time.monotonic() - connected_at > 0.35)  # a healthy stream...
    fake.end()  # ...ends: at once, then a failure starts the backoff from the base again
    heard.wait(lambda: heard.connected == 2)
    assert listener.delays == [0.05, 0.1, 0.0, 0.05]


def test_a_silent_connection_is_dead_after_three_heartbeats(
    fake: FakeStreamServer, listen: Listen
) -> None:
    fake.plans.append(Plan(body=ready("1.1", heartbeat=0.5)))  # then nothing, not even ": "
    _listener, heard = listen(heartbeat=0.5)
    heard.wait(lambda: heard.connected == 1)
    started = time.monotonic()
    heard.wait(lambda: heard.connected == 2, timeout=5)
    assert 1.4 <= time.monotonic() - started < 3.5  # 3 x 0.5 s, then a jittered reconnect


def test_heartbeats_keep_a_quiet_connection_alive(fake: FakeStreamServer, listen: Listen) -> None:
    fake.plans.append(Plan(body=ready("1.1", heartbeat=0.5)))
    listener, heard = listen(heartbeat=0.5)
    heard.wait(lambda: heard.connected == 1)
    for _ in range(8):  # 2.4 s: more than three heartbeats' silence, were it not for these
        fake.push(b": keep-alive\n\n")
        time.sleep(0.3)  # the server's heartbeat interval is what is simulated here
    assert heard.connected == 1 and listener.state is LiveState.LIVE


def test_sleep_and_resume_reconnects_at_once(fake: FakeStreamServer, listen: Listen) -> None:
    asleep = {"seconds": 0.0}
    listener, heard = listen(wall=lambda: time.time() + asleep["seconds"], watch_seconds=0.05)
    heard.wait(lambda: heard.connected == 1)
    fake.push(changes("1.4", "messages"))
    heard.wait(lambda: len(heard.changes) == 1)
    asleep["seconds"] = 3600.0  # the lid opens an hour later
    started = time.monotonic()
    heard.wait(lambda: heard.connected == 2)
    assert time.monotonic() - started < 1.0
    assert fake.events_requests()[1].headers["Last-Event-ID"] == "1.4"
    assert listener.delays == [0.0]


def test_poke_reconnects_at_once(fake: FakeStreamServer, listen: Listen) -> None:
    fake.plans += [Plan(), Plan(500, b"{}")]
    listener, heard = listen(rand=lambda: 1.0, base=30.0)  # a long backoff after failures
    heard.wait(lambda: heard.connected == 1)
    fake.end()
    wait_until(lambda: len(listener.delays) == 2)  # at once, then a 500: waiting 60 s
    assert listener.delays == [0.0, 60.0]
    listener.poke()  # the network came back
    heard.wait(lambda: heard.connected == 2, timeout=3)


def test_401_refreshes_the_shared_token_once(fake: FakeStreamServer, listen: Listen) -> None:
    fake.valid_tokens = {"expired-elsewhere"}  # the client's access-0 is refused
    listener, heard = listen()
    heard.wait(lambda: heard.connected == 1)
    assert fake.refreshes == 1
    assert listener.client.tokens is not None
    assert listener.client.tokens.access_token == "access-1"  # the engine's client has it too
    assert fake.events_requests()[-1].headers["Authorization"] == "Bearer access-1"


def test_a_refused_refresh_means_signed_out(fake: FakeStreamServer, listen: Listen) -> None:
    fake.valid_tokens = set()
    fake.refresh_ok = False
    listener, heard = listen()
    heard.wait(lambda: heard.states[-1:] == [LiveState.SIGNED_OUT])
    wait_until(lambda: not listener.alive)
    assert fake.events_requests() == []


def test_a_backend_without_the_stream_is_left_alone(listen: Listen) -> None:
    with fake_stream_server(live_events=False) as old:
        listener, heard = listen(old)
        heard.wait(lambda: heard.states == [LiveState.UNSUPPORTED])
        wait_until(lambda: not listener.alive)
        assert [s.path for s in old.seen] == ["/v1/me"]


def test_a_404_stream_means_unsupported(fake: FakeStreamServer, listen: Listen) -> None:
    fake.plans.append(Plan(404, b'{"status": 404, "code": "not_found", "title": "Not Found"}'))
    listener, heard = listen()
    heard.wait(lambda: heard.states == [LiveState.UNSUPPORTED])
    wait_until(lambda: not listener.alive)
    assert heard.connected == 0


def test_not_an_event_stream_is_retried(fake: FakeStreamServer, listen: Listen) -> None:
    fake.plans.append(Plan(body=b"<html>proxy login</html>", headers={"Content-Type": "text/html"}))
    _listener, heard = listen()
    heard.wait(lambda: heard.connected == 1)
    assert len(fake.events_requests()) == 2


def test_an_unreachable_server_is_retried_and_stop_still_ends_it(listen: Listen) -> None:
    gone = FakeStreamServer().start()
    url = gone.base_url
    gone.stop()  # nothing listens there any more
    listener, heard = listen(url=url, rand=lambda: 1.0, base=0.02)
    wait_until(lambda: len(listener.delays) >= 3)
    assert heard.connected == 0 and listener.alive
    started = time.monotonic()
    assert listener.stop(2.0)
    assert time.monotonic() - started < 0.5


# ------------------------------------------------------------------------ the reference server
def _listener_on(client: ServerClient, **options: object) -> tuple[LiveListener, Heard]:
    heard = Heard()
    options.setdefault("base", 0.05)
    listener = LiveListener(
        client,
        on_changes=heard.on_changes,
        on_connected=heard.on_connected,
        on_state=heard.on_state,
        **options,  # type: ignore[arg-type]
    )
    listener.start()
    return listener, heard


def test_a_customer_message_is_heard_within_a_second_then_synced(
    make_desk: DeskFactory, admin: Api
) -> None:
    desk = make_desk()
    desk.synced()
    listener, heard = _listener_on(desk.client)
    try:
        heard.wait(lambda: heard.connected == 1)
        assert listener.state is LiveState.LIVE
        started = time.monotonic()
        conversation = admin.new_conversation(body="Où est mon colis ?")["id"]
        heard.wait(lambda: any("messages" in feeds for feeds in heard.changes), timeout=5)
        assert time.monotonic() - started < 1.0
        assert "conversations" in {name for feeds in heard.changes for name in feeds}
        desk.synced()  # the event was a hint; the feeds carry the data
        assert desk.conversation_id(conversation)
    finally:
        assert listener.stop(2.0)


def test_reconnects_after_the_server_restarts_and_catches_up(
    make_desk: DeskFactory, reference: Reference, tmp_path: Path
) -> None:
    reference.server.stop()  # seeded; now served by a process that can be restarted
    port = int(reference.url.rsplit(":", 1)[1])
    server = ServerProcess(tmp_path / "server", port).start()
    signer = Api(reference.url, None)
    grant = {"grant_type": "api_token", "api_token": reference.admin_token}
    admin = Api(
        reference.url, signer.post("/v1/auth/token", grant, key=None).json()["access_token"]
    )
    signer.close()
    try:
        desk = make_desk()
        listener, heard = _listener_on(desk.client, rand=lambda: 1.0)
        heard.wait(lambda: heard.connected == 1)
        server.stop()  # SIGTERM: the stream ends, every reconnect is refused
        heard.wait(lambda: LiveState.DOWN in heard.states)
        wait_until(lambda: len(listener.delays) >= 3)
        # backing off while it is down (the first try: at once if the stream ended cleanly)
        assert listener.delays[0] in (0.0, 0.05) and listener.delays[1:3] == [0.1, 0.2]
        server.start()
        heard.wait(lambda: heard.connected == 2, timeout=15)
        assert heard.states[-1] is LiveState.LIVE
        conversation = admin.new_conversation(body="¿Sigue ahí?")["id"]
        heard.wait(lambda: any("messages" in feeds for feeds in heard.changes), timeout=5)
        desk.synced()
        assert desk.conversation_id(conversation)
        assert listener.stop(2.0)
    finally:
        admin.close()
        server.stop()


def test_an_expired_access_token_is_refreshed_for_the_engine_too(make_desk: DeskFactory) -> None:
    desk = make_desk()
    tokens = desk.client.tokens
    assert tokens is not None
    desk.client.tokens = Tokens("no-longer-valid", tokens.refresh_token, tokens.expires_at)
    listener, heard = _listener_on(desk.client)
    try:
        heard.wait(lambda: heard.connected == 1)
        assert desk.client.tokens.access_token not in ("no-longer-valid", tokens.access_token)
        desk.synced()  # the engine uses the refreshed token: no second refresh needed
    finally:
        assert listener.stop(2.0)


def test_a_backend_that_answers_404_is_polled_without_an_error(
    make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    proxy = make_proxy()
    problem = b'{"type": "about:blank", "title": "Not Found", "status": 404, "code": "not_found"}'
    headers = {"Content-Type": "application/problem+json"}
    proxy.on("GET", "/v1/events", Answer(Reply(404, headers, problem)), times=None)
    desk = make_desk(url=proxy.base_url)
    listener, heard = _listener_on(desk.client)
    heard.wait(lambda: heard.states == [LiveState.UNSUPPORTED])
    wait_until(lambda: not listener.alive)
    assert listener.stop(1.0)
    assert desk.synced().error is None


def test_tls_is_verified_and_stop_is_prompt_over_tls(listen: Listen, tmp_path: Path) -> None:
    """The stream trusts what the client trusts (the team's CA bundle, never less), and
    shutting the socket ends a blocked TLS read as promptly as a plain one."""
    cert_path, key_path = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    with fake_stream_server(tls=context) as secure:
        untrusting, refused = listen(secure, rand=lambda: 1.0, base=0.02)
        trusting, heard = listen(secure, verify=str(cert_path))
        heard.wait(lambda: heard.connected == 1)
        secure.push(changes("2.2", "messages"))
        heard.wait(lambda: heard.changes == [("messages",)])
        started = time.monotonic()
        assert trusting.stop(2.0)
        assert time.monotonic() - started < 0.5
        wait_until(lambda: len(untrusting.delays) >= 2)  # the handshake fails, again and again
        assert refused.connected == 0 and untrusting.alive
        assert [s.path for s in secure.seen] == ["/v1/me", "/v1/events"]  # the trusting one
