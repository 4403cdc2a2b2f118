"""The figures every benchmark reports the same way, so their JSON lines compare."""

from __future__ import annotations

import statistics


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (0-100) of ``values`` (not empty)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float], middle: str = "p50") -> dict[str, float]:
    """Median (under the key ``middle``), p95, max and count, rounded to 0.1."""
    return {
        middle: round(statistics.median(values), 1),
        "p95": round(percentile(values, 95), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }
