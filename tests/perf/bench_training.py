"""Training benchmark: loading the scenarios, one practice step, and nothing of training
loaded before the inbox's first paint.

    python tests/perf/bench_training.py [--loads 20]

- ``load_ms``: every bundled scenario loaded and validated (intents compiled once, as
  the app does), median/p95 over ``--loads`` loads (target <= 200 ms);
- ``step_ms``: every rehearsal of every scenario played with the real draft checker;
  each reply step (reply -> intents, check, branch, next customer turn, and the score
  recomputed as the window does) timed, p50/p95 (target p95 <= 100 ms);
- ``first_paint_training_modules``: the ``app.training*`` / ``app.ops.training*`` modules
  loaded when the app has painted the inbox for the first time (target: none).

Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.config.paths import Paths  # noqa: E402
from app.ops.culture import load_culture  # noqa: E402
from app.ops.review import default_rubric  # noqa: E402

FIRST_PAINT_PROBE = """
import atexit, sys
def report():
    names = sorted(m for m in sys.modules
                   if m.startswith("app.training") or m.startswith("app.ops.training"))
    print("TRAINING_MODULES " + ",".join(names), flush=True)
atexit.register(report)
sys.argv = ["crossdesk", "--demo", "--data-dir", sys.argv[1], "--exit-after-first-paint"]
from app.ui.shell.bootstrap import main
sys.exit(main())
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def bench_load(loads: int) -> tuple[list[float], int]:
    from app.ops.training_play import _builtin_intents, scenarios_folder
    from app.training.schema import load_scenarios

    intents = _builtin_intents()
    times = []
    count = 0
    for _ in range(loads):
        started = time.perf_counter()
        loaded = load_scenarios(scenarios_folder(), intents=intents)
        times.append((time.perf_counter() - started) * 1000)
        count = len(loaded.scenarios)
    return times, count


def bench_steps(data_dir: Path) -> tuple[list[float], int]:
    from app.ops.training_play import load_training, start_play
    from app.training.scoring import score_play

    paths = Paths(data_dir)
    data = load_training(paths)
    culture = load_culture(paths)
    rubric = default_rubric()
    times = []
    plays = 0
    for scenario in data.scenarios.scenarios.values():
        for rehearsal in scenario.rehearsals:
            play = start_play(
                data, culture, scenario.id, trainee_language=rehearsal.lang, ui_language="en"
            )
            play.start()
            plays += 1
            for i, text in enumerate(rehearsal.replies):
                play.advance((rehearsal.waits or [30.0] * len(rehearsal.replies))[i])
                if play.finished:
                    break
                started = time.perf_counter()
                play.reply(text)
                score_play(play, rubric)
                times.append((time.perf_counter() - started) * 1000)
    return times, plays


def first_paint_modules() -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-training-") as data:
        proc = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT_PROBE, data],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    lines = proc.stdout.splitlines()
    if "first-paint" not in (line.strip() for line in lines):
        raise RuntimeError(f"the inbox never painted: {proc.stderr[-2000:]}")
    for line in lines:
        if line.startswith("TRAINING_MODULES"):
            names = line.removeprefix("TRAINING_MODULES").strip()
            return [n for n in names.split(",") if n]
    raise RuntimeError(f"first paint probe failed: {proc.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()
    load_times, scenarios = bench_load(args.loads)
    with tempfile.TemporaryDirectory(prefix="crossdesk-bench-training-") as data:
        step_times, plays = bench_steps(Path(data))
    modules = first_paint_modules()
    result = {
        "scenarios": scenarios,
        "load_ms": {
            "median": round(statistics.median(load_times), 1),
            "p95": round(percentile(load_times, 0.95), 1),
        },
        "plays": plays,
        "steps": len(step_times),
        "step_ms": {
            "p50": round(percentile(step_times, 0.5), 2),
            "p95": round(percentile(step_times, 0.95), 2),
            "max": round(max(step_times, default=0.0), 2),
        },
        "first_paint_training_modules": modules,
        "targets_met": {
            "load_median_le_200ms": statistics.median(load_times) <= 200,
            "step_p95_le_100ms": percentile(step_times, 0.95) <= 100,
            "nothing_before_first_paint": not modules,
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
