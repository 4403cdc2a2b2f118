"""Inbox benchmark at 100,000 conversations / 1,000,000 messages, encrypted and plain.

    python tests/perf/bench_inbox.py [--store FILE] [--runs 5] [--encryption on|off|both]

Generates the store once (about a minute; cached in the user cache folder) and an
encrypted copy of it (SQLCipher, with the real in-place migration; about a minute more),
then measures, on the real application with its real threads, for each of the two
(``tests/perf/keyed_app.py``: the encrypted one opened with a keychain-style key, the
plain one with encryption switched off, as before workspaces were encrypted):

- ``first_paint_s``: from starting ``crossdesk --workspace STORE`` (a fresh
  Python process) to the inbox painted with rows (median of ``--runs``);
- ``filter_ms``: a filter menu changed -> new list applied and painted (p50/p95);
- ``search_ms``: a search submitted -> results applied and painted (p50/p95);
- ``queue_counts_ms``: after a change (a row written on the store lane), the queues'
  counts re-read -> shown in the queue list (p50/p95; ``queue_counts_p95_ms`` repeats the
  p95); ``queue_counts_query_ms``: the same recount alone, timed on the store lane (what
  the end-to-end figure adds to it is the two thread hops and the list update);
  ``queue_counts_tick_ms``: the clock tick's re-read with nothing written since (only
  Breached and Due within the hour are counted again);
- ``open_500_ms``: a 500-message conversation selected -> thread laid out and
  painted (p50/p95);
- ``peak_rss_mb``: peak resident memory of the app process doing all of the above.

Prints one JSON object on its last line: the encrypted figures (what an agent gets), then
``plain`` (the same without encryption) and ``encryption_cost`` (encrypted / plain of
each median and p95) when both ran. Targets (2-core machine): first paint
<= 1.5 s, filter/search p95 <= 100 ms, queue counts p95 <= 20 ms, open <= 150 ms, RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parents[2]
STORE_VERSION = "v4"  # v4: search index normalised (schema 5)


def ensure_store(path: Path) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} (once; about a minute)...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(ROOT / "tests/perf/generate_store.py"), str(path)],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    return path


def encrypted_copy(plain: Path) -> Path:
    """The store encrypted with keyed_app's key (made once, beside the plain one)."""
    from app.storage.cipher import WorkspaceKey, encrypt_in_place
    from tests.perf.keyed_app import KEY_BYTES

    target = plain.with_name(plain.stem + "-encrypted.sqlite3")
    if not target.exists():
        print(f"encrypting a copy: {target} (once; about a minute)...", file=sys.stderr)
        making = target.with_name(target.name + ".making")
        shutil.copyfile(plain, making)
        encrypt_in_place(making, WorkspaceKey.from_raw(KEY_BYTES))
        making.replace(target)
    return target


def first_paint(store: Path, runs: int, mode: str) -> list[float]:
    """Wall time from process start to 'first-paint' on stdout, in seconds.

    As on an agent's machine, modules load from compiled bytecode (an installed CrossDesk
    has it; an environment with PYTHONDONTWRITEBYTECODE would otherwise compile every
    module from source on every start): a first, untimed run fills a private cache."""
    times = []
    cache = tempfile.TemporaryDirectory(prefix="crossdesk-bench-pycache-")
    pycache = cache.name
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": pycache}
    for run in range(runs + 1):
        with tempfile.TemporaryDirectory() as data:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "tests/perf/keyed_app.py"),
                    mode,
                    "--workspace",
                    str(store),
                    "--data-dir",
                    data,
                    "--exit-after-first-paint",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip() == "first-paint":
                    if run:  # the first run fills the bytecode cache
                        times.append(time.perf_counter() - started)
                    break
            proc.wait(timeout=60)
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr.read() if proc.stderr else "first paint failed")
    cache.cleanup()
    return times


def interactive(store: Path, mode: str) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from tests.perf.keyed_app import fix_key

    fix_key(mode)

    from app.config.paths import Paths
    from app.config.settings import Settings
    from app.domain.filters import AssigneeFilter, SlaFilter, SortOrder
    from app.domain.models import Channel, Status
    from app.ops import inbox as inbox_ops
    from app.ops import queues as queue_ops
    from app.ui.shell.application import CrossDeskApp, LaunchOptions
    from app.ui.shell.screen_fit import FIRST_SIZE
    from app.ui.shell.style import STYLE_SHEET
    from tests.perf.figures import percentile, summary
    from tests.perf.qt_wait import select_and_paint, wait_until

    qt_app = QApplication.instance() or QApplication([])
    qt_app.setStyleSheet(STYLE_SHEET)
    data = Path(tempfile.mkdtemp(prefix="crossdesk-bench-"))
    crossdesk = CrossDeskApp(
        qt_app, Paths(data), Settings(), LaunchOptions(workspace=store, ui_language="en")
    )

    def wait(condition: object, timeout_s: float = 30, signal: object = None) -> None:
        wait_until(condition, timeout_s, signal=signal)  # type: ignore[arg-type]

    crossdesk.start()
    wait(lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0)
    window = crossdesk.window
    assert window is not None
    # The offscreen screen is 800x800 and a first window is fitted to its screen: measure
    # at the size a first window has on a large screen, as before screen fitting.
    window.resize(FIRST_SIZE)
    inbox, filters = window.inbox, window.inbox.filters

    def applied_and_painted(action: object) -> float:
        loaded = []
        inbox.page_loaded.connect(lambda: loaded.append(True))
        started = time.perf_counter()
        action()  # type: ignore[operator]
        wait(lambda: bool(loaded), signal=inbox.page_loaded)
        inbox.list.viewport().repaint()
        elapsed = (time.perf_counter() - started) * 1000
        inbox.page_loaded.disconnect()
        inbox.page_loaded.connect(window._select_first_if_none)
        return elapsed

    def pick(combo: object, data: object) -> object:
        return lambda: combo.setCurrentIndex(combo.findData(data))  # type: ignore[attr-defined]

    def reset() -> None:
        for combo in (filters.channel, filters.language, filters.country, filters.tag):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for combo, value in (
            (filters.status, "open+pending"),
            (filters.assignee, "all"),
            (filters.sla, SlaFilter.ANY.value),
            (filters.sort, SortOrder.SLA_DUE.value),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(value))
            combo.blockSignals(False)

    filter_changes = [
        pick(filters.status, "all"),
        pick(filters.status, Status.OPEN.value),
        pick(filters.status, Status.RESOLVED.value),
        pick(filters.status, "open+pending"),
        pick(filters.channel, Channel.WHATSAPP.value),
        pick(filters.channel, Channel.EMAIL.value),
        pick(filters.channel, None),
        pick(filters.language, "ja"),
        pick(filters.language, "pt"),
        pick(filters.language, None),
        pick(filters.country, "BR"),
        pick(filters.country, "SA"),
        pick(filters.country, None),
        pick(filters.assignee, AssigneeFilter.ME.value),
        pick(filters.assignee, AssigneeFilter.UNASSIGNED.value),
        pick(filters.assignee, AssigneeFilter.ALL.value),
        pick(filters.sla, SlaFilter.BREACHED.value),
        pick(filters.sla, SlaFilter.DUE_SOON.value),
        pick(filters.sla, SlaFilter.ANY.value),
        pick(filters.tag, "vip"),
        pick(filters.tag, "gdpr"),
        pick(filters.tag, None),
        pick(filters.sort, SortOrder.LAST_ACTIVITY.value),
        pick(filters.sort, SortOrder.SLA_DUE.value),
    ]
    filter_ms = []
    for _ in range(2):
        reset()
        filter_ms += [applied_and_painted(change) for change in filter_changes]

    # The queues' live counts, as re-read after every change and on the clock tick:
    # from the request to the counts shown in the queue list.
    queue_list = inbox.queues
    wait(lambda: queue_list.counts is not None and crossdesk.tasks.pending == 0)
    me_id = window._ctx.workspace.me_id
    marked = inbox.model.conversation_id(0)
    assert marked is not None

    def on_store(work: object) -> object:
        """Run ``work(store)`` on the store lane and wait for it (what an action does)."""
        out: list[object] = []
        crossdesk.tasks.run_store(work, out.append)  # type: ignore[arg-type]
        wait(lambda: bool(out))
        return out[0]

    def write(i: int) -> None:  # a real row change: nothing read before it may be reused
        if i % 2:
            on_store(lambda repo: repo.conversations.mark_read(marked))
        else:
            on_store(lambda repo: inbox_ops.mark_unread(repo, marked))

    def counts_shown() -> float:
        queue_list.counts = None
        started = time.perf_counter()
        queue_list.refresh()
        wait(lambda: queue_list.counts is not None, signal=queue_list.counts_shown)
        return (time.perf_counter() - started) * 1000

    def timed_count(repo: object) -> float:
        started = time.perf_counter()
        queue_ops.counts(repo, me_id, int(time.time()))  # type: ignore[arg-type]
        return (time.perf_counter() - started) * 1000

    queue_ms, query_ms, tick_ms = [], [], []
    for i in range(40):
        write(2 * i)
        queue_ms.append(counts_shown())
        write(2 * i + 1)
        query_ms.append(float(on_store(timed_count)))  # type: ignore[arg-type]
        tick_ms.append(counts_shown())

    searches = [
        "refund",
        "pedido",
        "order",
        "退款",
        "返金",
        "ส่งของ",
        "Souza",
        "customer4242",
        "LM-2026-12",
        "meses sin intereses",
        "환불",
        "colis douane",
        "Müller",
        "ana",
        "الدفع",
        "xyzzy-nothing",
        "delay",
        "Pix",
        "consegna",
        "配送",
    ]
    reset()
    filters.status.setCurrentIndex(filters.status.findData("all"))
    search_ms = []
    for _ in range(2):
        for text in searches:

            def submit(text: str = text) -> None:
                filters.search.setText(text)
                filters.search.returnPressed.emit()

            search_ms.append(applied_and_painted(submit))
    filters.search.setText("")
    filters.search.returnPressed.emit()
    wait(lambda: not filters.search.text())

    twin = store.with_name(store.name.replace("-encrypted", ""))  # same ids, readable here
    with sqlite3.connect(f"file:{twin}?mode=ro", uri=True) as conn:
        long_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM conversations WHERE message_count = 500 ORDER BY id"
            )
        ]
    reset()
    filters.status.setCurrentIndex(filters.status.findData("all"))
    wait(lambda: inbox.model.ids_complete and crossdesk.tasks.pending == 0)
    open_ms = []
    pane = window.conversation
    for conversation_id in long_ids:
        started = select_and_paint(window, conversation_id)
        open_ms.append((time.perf_counter() - started) * 1000)
        assert len(pane.thread_view.messages) == 500

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    crossdesk.shutdown()
    return {
        "filter_ms": summary(filter_ms),
        "queue_counts_ms": summary(queue_ms),
        "queue_counts_p95_ms": round(percentile(queue_ms, 95), 1),
        "queue_counts_query_ms": summary(query_ms),
        "queue_counts_tick_ms": summary(tick_ms),
        "search_ms": summary(search_ms),
        "open_500_ms": summary(open_ms),
        "peak_rss_mb": round(rss_mb, 1),
    }


def measure(store: Path, runs: int, mode: str) -> dict[str, object]:
    paint = first_paint(store, runs, mode)
    result: dict[str, object] = {
        "conversations": 100_000,
        "messages": 1_000_000,
        "encrypted": mode == "keychain",
        "first_paint_s": {
            "median": round(statistics.median(paint), 3),
            "min": round(min(paint), 3),
            "max": round(max(paint), 3),
            "runs": len(paint),
        },
    }
    result.update(interactive(store, mode))
    return result


def one_mode(plain: Path, runs: int, mode: str) -> dict[str, object]:
    """One mode in a fresh process (one Qt application, one workspace per process)."""
    store = encrypted_copy(plain) if mode == "keychain" else plain
    done = subprocess.run(
        [sys.executable, __file__, "--store", str(store), "--runs", str(runs), "--mode", mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode}: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def cost(encrypted: dict[str, object], plain: dict[str, object]) -> dict[str, float]:
    """Encrypted / plain for every median, p50 and p95 both runs measured."""
    ratios: dict[str, float] = {}
    for name, value in encrypted.items():
        other = plain.get(name)
        if isinstance(value, dict) and isinstance(other, dict):
            for stat in ("median", "p50", "p95"):
                a, b = value.get(stat), other.get(stat)
                if isinstance(a, int | float) and isinstance(b, int | float) and b:
                    ratios[f"{name}.{stat}"] = round(a / b, 2)
        elif name == "peak_rss_mb" and isinstance(value, float) and isinstance(other, float):
            ratios[name] = round(value / other, 2)
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cache = Path(platformdirs.user_cache_dir("crossdesk-bench"))
    parser.add_argument("--store", type=Path, default=cache / f"store-{STORE_VERSION}.sqlite3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--encryption", choices=("on", "off", "both"), default="both")
    parser.add_argument("--mode", choices=("plain", "keychain"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:  # a child of one_mode: this store, this mode
        print(json.dumps(measure(args.store, args.runs, args.mode), ensure_ascii=False))
        return
    plain = ensure_store(args.store)
    modes = {"on": ["keychain"], "off": ["plain"], "both": ["keychain", "plain"]}[args.encryption]
    results = {mode: one_mode(plain, args.runs, mode) for mode in modes}
    result = dict(results.get("keychain") or results["plain"])
    if len(results) == 2:
        result["plain"] = results["plain"]
        result["encryption_cost"] = cost(results["keychain"], results["plain"])
    result["targets"] = {
        "first_paint_s": 1.5,
        "filter_p95_ms": 100,
        "search_p95_ms": 100,
        "queue_counts_p95_ms": 20,
        "open_500_ms": 150,
        "peak_rss_mb": 400,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
