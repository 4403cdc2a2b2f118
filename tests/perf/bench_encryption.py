"""What encryption at rest costs the inbox: the same store plain and encrypted (SQLCipher).

    python tests/perf/bench_encryption.py [--store FILE] [--runs 20] [--memory-security]

Takes the inbox benchmark's 100,000-conversation / 1,000,000-message store (generated once
and cached, as ``bench_inbox.py`` does; ``--store`` for another, e.g. one made with
``generate_store.py --conversations N --messages M``), copies it, encrypts the copy with
the real migration (``encrypt_in_place``, timed: ``migrate_s``) and measures, on the
store lane's own calls (no UI; ``bench_inbox.py`` adds the same widget work to both):

- ``open_first_page_ms``: a fresh connection (empty page cache: every page read is
  decrypted) opening the workspace and reading the inbox's first page: the count, the
  first 50 ids and their rows (p50/p95 of ``--runs``; the file is in the OS cache);
- ``scroll_ms``: the full id list, then 20 pages of 50 rows spread over it (p50/p95);
- ``search_ms``: a search (20 different words, each a new full-text query) and its first
  page (p50/p95);
- ``write_ms``: a sync-sized write: one transaction of 100 new messages over 20
  conversations with their search documents rebuilt (p50/p95).

``--memory-security`` adds the encrypted runs with ``PRAGMA cipher_memory_security = ON``
(SQLCipher wipes every freed allocation). Prints one JSON object on its last line:
``plain``, ``encrypted`` (and ``encrypted_memory_security``), and ``ratio`` (encrypted
/ plain for every p50/p95).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.filters import InboxQuery  # noqa: E402
from app.domain.models import MessageKind  # noqa: E402
from app.storage.cipher import WorkspaceKey, encrypt_in_place  # noqa: E402
from app.storage.store import Store  # noqa: E402
from tests.perf.bench_inbox import STORE_VERSION, ensure_store  # noqa: E402

KEY = WorkspaceKey.from_raw(bytes(range(32)))  # a keychain key: no KDF on open
PAGE = 50
ROUNDS = 4
VARIANTS: dict[str, Callable[[Path, Path], tuple[Path, WorkspaceKey | None]]] = {
    "plain": lambda plain, _encrypted: (plain, None),
    "encrypted": lambda _plain, encrypted: (encrypted, KEY),
}
SEARCHES = [
    "refund", "pedido", "order", "退款", "返金", "ส่งของ", "Souza", "customer4242",
    "LM-2026-12", "meses sin intereses", "환불", "colis douane", "Müller", "ana",
    "الدفع", "delay", "Pix", "consegna", "配送", "parcel",
]  # fmt: skip


def _pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def _open(path: Path, key: WorkspaceKey | None, memory_security: bool) -> Store:
    store = Store.open(path, create=False, key=key)
    if memory_security:
        store._link.conn.execute("PRAGMA cipher_memory_security = ON")
    return store


def measure(
    path: Path, key: WorkspaceKey | None, runs: int, memory_security: bool = False
) -> dict[str, list[float]]:
    """The four inbox timings (ms, one per run) for the workspace at ``path`` (opened
    with ``key``)."""
    now = int(time.time())
    query = InboxQuery()
    opened: list[float] = []
    for _ in range(runs):

        def open_first_page() -> None:
            store = _open(path, key, memory_security)
            _count, ids = store.conversations.first_page(query, None, now, PAGE)
            store.conversations.conversation_rows(list(ids))
            store.close()

        opened.append(_timed(open_first_page))

    store = _open(path, key, memory_security)
    try:
        scroll: list[float] = []
        for run in range(runs):

            def scroll_pages(run: int = run) -> None:
                ids = store.conversations.conversation_ids(query, None, now)
                step = max(1, len(ids) // 20)
                for page in range(20):
                    start = (page * step + run * PAGE) % max(1, len(ids) - PAGE)
                    store.conversations.conversation_rows(list(ids[start : start + PAGE]))

            scroll.append(_timed(scroll_pages))

        search: list[float] = []
        for run in range(runs):
            word = SEARCHES[run % len(SEARCHES)]

            def searched(word: str = word) -> None:
                _count, ids = store.conversations.first_page(
                    query.with_(search=word), None, now, PAGE
                )
                store.conversations.conversation_rows(list(ids))

            search.append(_timed(searched))

        total = store.conversations.conversation_count()
        write: list[float] = []
        for run in range(runs):

            def sync_page(run: int = run) -> None:
                with store.transaction():
                    targets = [1 + (run * 7919 + n * 4999) % total for n in range(20)]
                    for n in range(100):
                        store.messages.add_message(
                            targets[n % 20],
                            MessageKind.CUSTOMER,
                            f"Benchmark message {run}-{n}: where is my parcel, order LM-{n}",
                            now + n,
                            reindex=False,
                        )
                    for cid in targets:
                        store.conversations.reindex(cid)

            write.append(_timed(sync_page))
    finally:
        store.close()
    return {
        "open_first_page_ms": opened,
        "scroll_ms": scroll,
        "search_ms": search,
        "write_ms": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cache = Path(platformdirs.user_cache_dir("crossdesk-bench"))
    parser.add_argument("--store", type=Path, default=cache / f"store-{STORE_VERSION}.sqlite3")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--memory-security", action="store_true")
    args = parser.parse_args()
    source = ensure_store(args.store)
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-cipher-", dir=source.parent) as tmp:
        plain = Path(tmp) / "plain.sqlite3"
        encrypted = Path(tmp) / "encrypted.sqlite3"
        for target in (plain, encrypted):
            shutil.copyfile(source, target)
            Store.open(target, create=False).close()  # schema up to date, WAL folded in
        started = time.perf_counter()
        encrypt_in_place(encrypted, KEY)
        migrate_s = round(time.perf_counter() - started, 2)
        result: dict[str, object] = {
            "store_mb": round(plain.stat().st_size / 1e6, 1),
            "encrypted_mb": round(encrypted.stat().st_size / 1e6, 1),
            "migrate_s": migrate_s,
        }
        print(f"encrypted a copy in {migrate_s} s; measuring...", file=sys.stderr)
        measure(plain, None, 2)  # warm-up (imports, statement cache); not counted
        # Rounds alternating which goes first, so neither gains from the other's warm-up
        # or loses to a busy moment of the machine.
        samples: dict[str, dict[str, list[float]]] = {"plain": {}, "encrypted": {}}
        for round_ in range(ROUNDS):
            order = ["plain", "encrypted"] if round_ % 2 == 0 else ["encrypted", "plain"]
            for variant in order:
                runs = measure(*VARIANTS[variant](plain, encrypted), args.runs // ROUNDS or 1)
                for name, values in runs.items():
                    samples[variant].setdefault(name, []).extend(values)
        if args.memory_security:  # last: the setting is process-wide and stays on
            samples["encrypted_memory_security"] = measure(encrypted, KEY, args.runs, True)
        figures = {
            variant: {name: _pct(values) for name, values in runs.items()}
            for variant, runs in samples.items()
        }
        result |= figures
        for variant in [v for v in figures if v != "plain"]:
            result[f"ratio_{variant}" if variant != "encrypted" else "ratio"] = {
                name: {
                    p: round(value / max(figures["plain"][name][p], 0.01), 2)
                    for p, value in stats.items()
                }
                for name, stats in figures[variant].items()
            }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
