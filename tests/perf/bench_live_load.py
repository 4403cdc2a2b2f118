"""Live load benchmark: simulated agents on two server processes sharing one PostgreSQL.

    python tests/perf/bench_live_load.py [--seconds 120] [--agents 200] [--inbound-rate 3]
        [--servers 2] [--workers 1] [--loops 1] [--reply-min 10] [--reply-max 60]
        [--conversations 400] [--mode auto|stream|poll]

A throwaway PostgreSQL cluster (tests/contract/postgres.py) and ``--servers`` real
``crossdesk-server --database-url ...`` processes. ``--agents`` agents, each with its own
API token, run in ``--loops`` processes (one asyncio loop each, async httpx). Each agent
holds one ``GET /v1/events`` stream (spread over the servers) and, as the client does,
reads the feeds an event names from its cursors (one read at a time: events that come
during a read make one more read, not one each), on any server; it replies to each
customer message in the conversations assigned to it (conversation k belongs to agent
k mod agents) after a human delay drawn uniformly in [reply-min, reply-max] seconds.
Customers write in through ``POST /v1/inbound/messages`` (an admin token, Poisson arrivals
at ``--inbound-rate`` per second over ``--conversations`` conversations). ``--mode poll``
(or a server without ``capabilities.live_events``) reads every 2 s instead of on events.

Reported (one JSON object on the last line of stdout; progress on stderr):

- ``write_ms``: latency of replies and of inbound deliveries (p50, p95, max, n);
- ``notify_ms``: for every (inbound message, agent) pair, from the inbound's response to
  the event after which that agent's feed read returned it (0 when the event came before
  the response); ``visible_ms``: to the end of that read (the message in the agent's hands);
- ``errors``: non-2xx answers, failed requests and dropped streams, by kind (target 0);
- ``reconciliation``: every message posted (201) is in the messages feed exactly once,
  nothing else is, per-conversation seqs are 1..n with no gap, and every agent's own view
  (its reads plus a final catch-up) holds every message once;
- ``cpu_cores``: CPU used per second of the run by the server processes, PostgreSQL and the
  agents' loops, and the agent loops' scheduling lag (p95, max): a loop lagging by tens of
  milliseconds is itself the bottleneck, then use ``--loops 2``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.perf.figures import percentile  # noqa: E402
from tests.perf.live_load_agents import agents_process, inbound  # noqa: E402


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }


# ------------------------------------------------------------------ the measurement


def cpu_ticks(root_pids: set[int]) -> float:
    """CPU seconds so far of these processes and all their descendants."""
    stats_by_pid: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats_by_pid[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (ppid, _) in stats_by_pid.items():
        children[ppid].append(pid)
    total, todo = 0.0, list(root_pids)
    while todo:
        pid = todo.pop()
        if pid in stats_by_pid:
            total += stats_by_pid[pid][1]
            todo += children[pid]
    return total / os.sysconf("SC_CLK_TCK")


def reconcile(
    url: str, token: str, posted: set[str], seen: dict[int, dict[str, int]]
) -> dict[str, Any]:
    """The whole messages feed, read once more from the beginning, against what was posted."""
    counts: Counter[str] = Counter()
    seqs: dict[str, list[int]] = defaultdict(list)
    cursor = None
    with httpx.Client(timeout=60.0, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            response = client.get(f"{url}/v1/messages/changes", params=params)
            if response.status_code == 429:  # the token's rate limit, right after the run
                time.sleep(float(response.headers.get("retry-after", "1")))
                continue
            response.raise_for_status()
            page = response.json()
            for message in page["items"]:
                counts[message["id"]] += 1
                seqs[message["conversation_id"]].append(message["seq"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
    gaps = sum(1 for values in seqs.values() if values != list(range(1, len(values) + 1)))
    complete = sum(
        1
        for view in seen.values()
        if set(view) == set(counts) and max(view.values(), default=1) == 1
    )
    return {
        "posted": len(posted),
        "in_feed": len(counts),
        "missing": len(posted - set(counts)),
        "unexpected": len(set(counts) - posted),
        "duplicated": sum(1 for c in counts.values() if c > 1),
        "conversations": len(seqs),
        "conversations_with_seq_gaps": gaps,
        "agents_with_complete_view": complete,
        "agents": len(seen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--inbound-rate", type=float, default=3.0)
    parser.add_argument("--conversations", type=int, default=400)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--loops", type=int, default=1)
    parser.add_argument("--reply-min", type=float, default=10.0)
    parser.add_argument("--reply-max", type=float, default=60.0)
    parser.add_argument("--mode", choices=("auto", "stream", "poll"), default="auto")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # still stop the cluster and servers
    bounds = {
        "seconds": (5, 540),
        "agents": (1, 2000),
        "inbound_rate": (0.1, 200.0),
        "conversations": (1, 100_000),
        "servers": (1, 8),
        "workers": (1, 8),
        "loops": (1, 8),
    }
    for name, (low, high) in bounds.items():
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be between {low} and {high}")
    if not 0 <= args.reply_min <= args.reply_max <= 600:
        parser.error("0 <= --reply-min <= --reply-max <= 600")

    from app.server import auth
    from app.server.config import ServerConfig
    from app.server.scale import open_database
    from tests.contract.postgres import PostgresCluster, find_bin_dir, missing_message
    from tests.server.server_processes import start_all

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit(missing_message())
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    servers = []
    try:
        url = cluster.create_database("live_load")
        options = ["--workers", str(args.workers)] if args.workers > 1 else []
        servers = start_all(
            url, [options] * args.servers, Path(tempfile.mkdtemp(prefix="live-load-"))
        )
        urls = [server.base_url for server in servers]
        database = open_database(ServerConfig(database_url=url))
        now = int(time.time())
        with database.write() as conn:
            auth.create_account(
                conn, account_id="bench.admin", name="Admin", roles=["admin"], now=now
            )
            admin_token = auth.create_api_token(conn, "bench.admin", now)
            tokens = []
            for index in range(args.agents):
                agent_id = f"agent.{index}"
                auth.create_account(
                    conn, account_id=agent_id, name=agent_id, roles=["agent"], now=now
                )
                tokens.append((index, auth.create_api_token(conn, agent_id, now)))
        database.dispose()
        me = httpx.get(
            f"{urls[0]}/v1/me", headers={"Authorization": f"Bearer {admin_token}"}
        ).json()
        live = bool(me.get("capabilities", {}).get("live_events"))
        stream = args.mode == "stream" or (args.mode == "auto" and live)
        log(
            f"{len(servers)} servers x {args.workers} workers, {args.agents} agents in "
            f"{args.loops} loops, "
            f"{'streams' if stream else 'polling'}; {args.seconds} s"
        )

        context = multiprocessing.get_context("spawn")
        queue, go, final = context.Queue(), context.Event(), context.Event()
        settings = {
            "urls": urls,
            "reply_min": args.reply_min,
            "reply_max": args.reply_max,
            "agents_total": args.agents,
            "stream": stream,
            "seconds": args.seconds,
        }
        children = []
        for loop_index in range(args.loops):
            share = tokens[loop_index :: args.loops]
            child = context.Process(target=agents_process, args=(settings, share, queue, go, final))
            child.start()
            children.append(child)
        for _ in children:
            kind, _ = queue.get(timeout=180)
            assert kind == "ready"
        start_at = time.time()
        end = start_at + args.seconds
        server_pids = {s.process.pid for s in servers}
        postgres_pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        cpu_before = (cpu_ticks(server_pids), cpu_ticks({postgres_pid}))
        go.set()
        log("connected; measuring")
        sent = asyncio.run(inbound(urls, admin_token, args.inbound_rate, args.conversations, end))
        cpu_after = (cpu_ticks(server_pids), cpu_ticks({postgres_pid}))
        wall = time.time() - start_at
        posted = set(sent["answered"])
        for _ in children:
            kind, replies = queue.get(timeout=300)
            assert kind == "written"
            posted |= set(replies)
        final.set()
        results = [queue.get(timeout=600)[1] for _ in children]
        for child in children:
            child.join(timeout=60)
        errors: Counter[str] = Counter(sent["errors"])
        seen: dict[int, dict[str, int]] = {}
        notify, visible = [], []
        for result in results:
            errors.update(result["errors"])
            seen.update(result["seen"])
            for message_id, event_at, done in result["samples"]:
                answered = sent["answered"].get(message_id)
                if answered is not None:
                    notify.append(max(0.0, event_at - answered) * 1000)
                    visible.append(max(0.0, done - answered) * 1000)
        reconciliation = reconcile(urls[0], admin_token, posted, seen)
        figures = {
            "benchmark": "live_load",
            "mode": "stream" if stream else "poll",
            "seconds": args.seconds,
            "agents": args.agents,
            "loops": args.loops,
            "servers": args.servers,
            "workers_per_server": args.workers,
            "inbound_rate_per_s": args.inbound_rate,
            "inbound_sent": len(sent["answered"]),
            "replies_sent": len(posted) - len(sent["answered"]),
            "write_ms": {
                "reply": stats([x for r in results for x in r["reply_ms"]]),
                "inbound": stats(sent["latency"]),
            },
            "notify_ms": stats(notify),
            "visible_ms": stats(visible),
            "agent_requests_per_s": {
                method: round(sum(r["requests"].get(method, 0) for r in results) / wall, 1)
                for method in ("GET", "POST")
            },
            "errors": sum(errors.values()),
            "errors_by_kind": dict(errors),
            "reconciliation": reconciliation,
            "cpu_cores": {
                "servers": round((cpu_after[0] - cpu_before[0]) / wall, 2),
                "postgres": round((cpu_after[1] - cpu_before[1]) / wall, 2),
                "agent_loops": round(sum(r["cpu_s"] for r in results) / wall, 2),
            },
            "loop_lag_ms": stats([x for r in results for x in r["lag_ms"]]),
            "cpus": os.cpu_count(),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        for server in servers:
            server.stop()
        cluster.stop()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
