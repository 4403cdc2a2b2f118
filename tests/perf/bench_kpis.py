"""KPI dashboard benchmark at 100,000 conversations / 1,000,000 messages.

The generated store (tests/perf/generate_store.py) predates surveys and the KPI columns, so
a copy is prepared once: first responses and resolutions from its messages (as the v7 step
does), a few reopened conversations, and about one survey answer in three conversations
(CSAT, NPS, CES, scores skewed per country). Then the whole dashboard (total and groups)
is computed for every grouping and period; p95 per case must stay <= 300 ms. The heat map
and translation figures (over the messages, loaded by the view apart) are timed per period
and reported beside. Last line: JSON.

    python tests/perf/bench_kpis.py [--store FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.kpis import Grouping, KpiPeriod  # noqa: E402
from app.ops import kpis  # noqa: E402
from app.storage.store import Store  # noqa: E402
from tests.perf.bench_inbox import STORE_VERSION, ensure_store  # noqa: E402
from tests.perf.figures import summary  # noqa: E402

BUDGET_MS = 300.0
# The indexes proposed for the schema (see app/storage/kpis.py); the bench adds them to its
# copy until the schema has them (IF NOT EXISTS: then a no-op). --bare measures without.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS conversations_for_kpis ON conversations (created_at, status,"
    " country, channel, language_primary, assignee_id, first_response_at, resolved_at,"
    " reopen_count, sla_due_at, customer_id)",
    "CREATE INDEX IF NOT EXISTS messages_by_time ON messages (created_at, kind, conversation_id)",
)
PROPOSED_INDEX_NAMES = ("conversations_for_kpis", "messages_by_time")
PERIOD_DAYS = (7, 30, 90)


def prepare(source: Path, target: Path) -> Path:
    """A copy of the bench store with KPI columns filled and survey answers (once)."""
    if target.exists():
        return target
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    Store.open(partial).close()  # migrate to the current schema
    conn = sqlite3.connect(partial)
    rng = random.Random(12)
    conn.execute("BEGIN")
    conn.execute(
        "UPDATE conversations SET first_response_at = (SELECT min(m.created_at) FROM messages m"
        " WHERE m.conversation_id = conversations.id AND m.kind = 'agent')"
    )
    conn.execute("UPDATE conversations SET resolved_at = updated_at WHERE status = 'resolved'")
    conn.execute("UPDATE conversations SET reopen_count = 1 WHERE id % 13 = 0")
    rows = []
    for cid, country in conn.execute("SELECT id, country FROM conversations WHERE id % 3 = 0"):
        tilt = (hash(country) % 3) - 1  # markets differ
        kind = rng.choice(("csat", "nps", "ces"))
        top = {"csat": 5, "nps": 10, "ces": 7}[kind]
        score = max(0 if kind == "nps" else 1, min(top, rng.randint(top // 2, top) + tilt))
        rows.append((f"sv{cid}", cid, kind, score, 0))
    conn.executemany(
        "INSERT INTO survey_answers (uid, conversation_id, kind, score, answered_at)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    partial.replace(target)
    return target


def main() -> None:
    cache = Path(platformdirs.user_cache_dir("crossdesk-bench"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=cache / f"store-{STORE_VERSION}.sqlite3")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bare", action="store_true", help="without the proposed indexes")
    args = parser.parse_args()
    source = ensure_store(args.store)
    path = prepare(source, source.with_name(source.stem + "-kpis-v1.sqlite3"))
    if args.bare:
        bare = path.with_name(path.stem + "-bare.sqlite3")
        if not bare.exists():
            shutil.copyfile(path, bare)
        conn = sqlite3.connect(bare)
        for name in PROPOSED_INDEX_NAMES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("ANALYZE")
        conn.close()
        path = bare
    else:
        conn = sqlite3.connect(path)
        for statement in PROPOSED_INDEXES:
            conn.execute(statement)
        conn.execute("ANALYZE")
        conn.close()
    store = Store.open(path)
    (latest,) = store._link.conn.execute("SELECT max(created_at) FROM conversations").fetchone()
    now = latest + 3600
    cases: dict[str, dict[str, float]] = {}
    worst = 0.0
    demand: dict[str, dict[str, float]] = {}
    for days in PERIOD_DAYS:
        period = KpiPeriod(now - days * 86400, now)
        for grouping in Grouping:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                report = kpis.dashboard(store, period, grouping, now)
                times.append((time.perf_counter() - started) * 1000)
            figures = summary(times)
            cases[f"{days}d/{grouping.value}"] = figures
            worst = max(worst, figures["p95"])
            print(
                f"{days:3d} days by {grouping.value:8s} p50 {figures['p50']:6.1f} ms"
                f"  p95 {figures['p95']:6.1f} ms  ({len(report.rows)} rows,"
                f" volume {report.total.volume})",
                file=sys.stderr,
            )
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            kpis.demand(store, period, "en")
            times.append((time.perf_counter() - started) * 1000)
        demand[f"{days}d"] = summary(times)
        print(
            f"{days:3d} days heat map + pairs p95 {demand[f'{days}d']['p95']:6.1f} ms",
            file=sys.stderr,
        )
    store.close()
    print(
        json.dumps(
            {
                "bench": "kpis",
                "dashboard_p95_ms_worst": round(worst, 1),
                "budget_ms": BUDGET_MS,
                "ok": worst <= BUDGET_MS,
                "proposed_indexes": not args.bare,
                "cases": cases,
                "heat_map_and_pairs": demand,
            }
        )
    )


if __name__ == "__main__":
    main()
