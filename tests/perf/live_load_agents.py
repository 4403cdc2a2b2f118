"""The simulated side of the live load benchmark (tests/perf/bench_live_load.py): agents
holding ``GET /v1/events`` streams, reading feeds and replying, run in a loop process of
their own; and the customers writing in through ``POST /v1/inbound/messages``."""

from __future__ import annotations

import asyncio
import os
import random
import resource
import sys
import time
import uuid
from collections import Counter
from multiprocessing.synchronize import Event as MpEvent
from typing import Any

import httpx

POLL_SECONDS = 2.0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


TIMEOUT = httpx.Timeout(30.0, connect=10.0)
STREAM_TIMEOUT = httpx.Timeout(30.0, connect=10.0, read=60.0)  # heartbeats every 15 s


# ------------------------------------------------------------------------- agents


class Agent:
    """One simulated agent: a stream, a reader and the replies it owes."""

    def __init__(self, index: int, token: str, run: AgentRun) -> None:
        self.index, self.run = index, run
        self.headers = {"Authorization": f"Bearer {token}"}
        self.stream_url = run.urls[index % len(run.urls)]
        self.cursors: dict[str, str | None] = {"messages": None, "conversations": None}
        self.wake = asyncio.Event()
        self.event_at = 0.0  # when the latest event arrived
        self.ready = asyncio.Event()
        self.seen: Counter[str] = Counter()
        self.samples: list[tuple[str, float, float]] = []  # (message id, event at, read done at)
        self.replies: set[asyncio.Task[None]] = set()
        self.thinking: set[asyncio.Task[None]] = set()  # replies not yet being sent

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response | None:
        url = random.choice(self.run.urls) + path
        headers = {**self.headers, **(headers or {})}
        self.run.requests[method] += 1
        try:
            response = await self.run.client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            self.run.errors[f"{method} {type(exc).__name__}"] += 1
            return None
        if response.status_code >= 300:
            self.run.errors[f"{method} {path.split('/')[2]} {response.status_code}"] += 1
            return None
        return response

    async def drain(self, feed: str) -> list[dict[str, Any]]:
        """The feed's new items from this agent's cursor, page by page."""
        items: list[dict[str, Any]] = []
        while True:
            cursor = self.cursors[feed]
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            response = await self.request("GET", f"/v1/{feed}/changes", params=params)
            if response is None:
                return items
            page = response.json()
            items += page["items"]
            if feed == "messages":  # counted with the cursor's move, even if cut short later
                self.seen.update(message["id"] for message in page["items"])
            self.cursors[feed] = page["next_cursor"]
            if not page["has_more"]:
                return items

    async def read_feeds(self) -> None:
        """Read the messages and conversations feeds from the cursors, as the client does
        on an event, noting what arrived and answering customers."""
        event_at = self.event_at
        items = await self.drain("messages")
        await self.drain("conversations")
        done = time.monotonic()
        for message in items:
            if message["kind"] == "customer":
                self.samples.append((message["id"], event_at, done))
                if self.run.owner(message["conversation_id"]) == self.index and self.run.replying:
                    task = asyncio.create_task(self.reply(message["conversation_id"]))
                    self.replies.add(task)
                    self.thinking.add(task)
                    task.add_done_callback(self.replies.discard)
                    task.add_done_callback(self.thinking.discard)

    async def reply(self, conversation_id: str) -> None:
        try:
            await asyncio.sleep(random.uniform(self.run.reply_min, self.run.reply_max))
        except asyncio.CancelledError:
            return  # the run ended before the agent got to it: never sent
        if not self.run.replying:
            return
        task = asyncio.current_task()
        if task is not None:
            self.thinking.discard(task)  # being sent now: it finishes even at the end
        message_id = f"r-{uuid.uuid4().hex[:20]}"
        body = {"id": message_id, "kind": "agent", "body": "Thanks, your parcel left today."}
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        started = time.monotonic()
        response = await self.request(
            "POST", f"/v1/conversations/{conversation_id}/messages", json=body, headers=headers
        )
        if response is not None:
            self.run.reply_ms.append((time.monotonic() - started) * 1000)
            self.run.posted.append(message_id)

    async def reader(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            await self.read_feeds()

    async def stream(self) -> None:
        """Hold GET /v1/events; each `changes` event wakes the reader (reconnecting with
        Last-Event-ID if the server ends the stream)."""
        last_id: str | None = None
        while True:
            headers = {**self.headers, "Accept": "text/event-stream"}
            if last_id:
                headers["Last-Event-ID"] = last_id
            try:
                async with self.run.client.stream(
                    "GET", f"{self.stream_url}/v1/events", headers=headers, timeout=STREAM_TIMEOUT
                ) as response:
                    if response.status_code != 200:
                        self.run.errors[f"stream {response.status_code}"] += 1
                        await asyncio.sleep(1.0)
                        continue
                    kind = ""
                    async for line in response.aiter_lines():
                        if line.startswith("event:"):
                            kind = line[6:].strip()
                        elif line.startswith("id:"):
                            last_id = line[3:].strip()
                        elif line == "" and kind:
                            if kind == "ready":
                                self.ready.set()
                            elif kind == "changes":
                                self.event_at = time.monotonic()
                                self.wake.set()
                            kind = ""
            except httpx.HTTPError as exc:
                if self.run.stopping:
                    return
                self.run.errors[f"stream {type(exc).__name__}"] += 1
            if self.run.stopping:
                return  # else a clean end (token expiry, 10 minutes): reconnect at once

    async def poll(self) -> None:
        self.ready.set()
        while True:
            self.event_at = time.monotonic()
            self.wake.set()
            await asyncio.sleep(POLL_SECONDS)


class AgentRun:
    """The agents of one loop process, and what they measured."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.urls: list[str] = settings["urls"]
        self.reply_min, self.reply_max = settings["reply_min"], settings["reply_max"]
        self.agents_total: int = settings["agents_total"]
        self.client = httpx.AsyncClient(
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=2000),
        )
        self.errors: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()  # by method, during the measured run
        self.reply_ms: list[float] = []
        self.posted: list[str] = []
        self.replying = True
        self.stopping = False
        self.lag_ms: list[float] = []

    def owner(self, conversation_id: str) -> int:
        return int(conversation_id.rsplit("-", 1)[1]) % self.agents_total

    async def watch_lag(self) -> None:
        while True:
            started = time.monotonic()
            await asyncio.sleep(0.05)
            self.lag_ms.append((time.monotonic() - started - 0.05) * 1000)


async def _agents_main(
    settings: dict[str, Any],
    tokens: list[tuple[int, str]],
    ready_q: Any,
    go: MpEvent,
    final: MpEvent,
) -> dict[str, Any]:
    run = AgentRun(settings)
    agents = [Agent(index, token, run) for index, token in tokens]
    tasks = [asyncio.create_task(run.watch_lag())]
    for agent in agents:
        tasks.append(asyncio.create_task(agent.reader()))
        tasks.append(asyncio.create_task(agent.stream() if settings["stream"] else agent.poll()))
    await asyncio.wait_for(asyncio.gather(*(a.ready.wait() for a in agents)), 120)
    ready_q.put(("ready", os.getpid()))
    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    run.requests.clear()
    end = time.time() + settings["seconds"]
    while time.time() < end:
        await asyncio.sleep(min(1.0, max(0.0, end - time.time())))
    run.replying = False  # no new replies; in-flight ones finish
    for task in [task for agent in agents for task in agent.thinking]:
        task.cancel()  # replies still being thought about are never sent ...
    pending = [task for agent in agents for task in agent.replies]
    await asyncio.gather(*pending, return_exceptions=True)  # ... those being sent finish
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    requests = dict(run.requests)
    ready_q.put(("written", run.posted))
    _say(f"loop {os.getpid()}: writes done")
    await asyncio.get_running_loop().run_in_executor(None, final.wait)
    run.stopping = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    _say(f"loop {os.getpid()}: final catch-up")
    for agent in agents:  # the catch-up every client does on reconnect
        await agent.read_feeds()
    await run.client.aclose()
    return {
        "errors": dict(run.errors),
        "requests": requests,
        "reply_ms": run.reply_ms,
        "lag_ms": run.lag_ms,
        "cpu_s": (cpu_end.ru_utime + cpu_end.ru_stime) - (cpu_start.ru_utime + cpu_start.ru_stime),
        "seen": {agent.index: dict(agent.seen) for agent in agents},
        "samples": [s for agent in agents for s in agent.samples],
    }


def agents_process(
    settings: dict[str, Any], tokens: list[tuple[int, str]], queue: Any, go: MpEvent, final: MpEvent
) -> None:
    result = asyncio.run(_agents_main(settings, tokens, queue, go, final))
    queue.put(("result", result))


# ------------------------------------------------------------------------ inbound


async def inbound(
    urls: list[str], token: str, rate: float, conversations: int, end: float
) -> dict[str, Any]:
    """Customers writing in: Poisson arrivals, each delivery its own task."""
    headers = {"Authorization": f"Bearer {token}"}
    answered: dict[str, float] = {}
    latency: list[float] = []
    errors: Counter[str] = Counter()
    customers: dict[int, str] = {}
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:

        async def deliver(n: int) -> None:
            k = random.randrange(conversations)
            customer = customers.setdefault(k, f"cust-{k}")
            message_id = f"in-{uuid.uuid4().hex[:20]}"
            payload = {
                "conversation": {
                    "id": f"conv-{k}",
                    "customer": {
                        "id": customer,
                        "name": f"Customer {k}",
                        "country": "BR",
                        "language": "pt-BR",
                        "timezone": "America/Sao_Paulo",
                    },
                    "channel": "whatsapp",
                },
                "message": {"id": message_id, "body": "Oi, cadê meu pedido?"},
            }
            started = time.monotonic()
            try:
                response = await client.post(
                    f"{urls[n % len(urls)]}/v1/inbound/messages",
                    json=payload,
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                )
            except httpx.HTTPError as exc:
                errors[f"inbound {type(exc).__name__}"] += 1
                return
            if response.status_code != 201:
                errors[f"inbound {response.status_code}"] += 1
                return
            now = time.monotonic()
            latency.append((now - started) * 1000)
            answered[message_id] = now

        tasks = []
        n = 0
        while time.time() < end:
            await asyncio.sleep(random.expovariate(rate))
            tasks.append(asyncio.create_task(deliver(n)))
            n += 1
        await asyncio.gather(*tasks)
    return {"answered": answered, "latency": latency, "errors": errors}
