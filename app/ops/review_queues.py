"""Review queues (store lane): a seeded random sample of answered conversations, per
agent, region or language and period, and the smart queues a lead starts from."""

from __future__ import annotations

import random
from collections import defaultdict

from app.domain.errors import N_
from app.domain.review import ReviewError
from app.storage.review_queues import SampleBy, SmartQueue
from app.storage.store import Store

SMART_QUEUES: tuple[SmartQueue, ...] = (
    "low_confidence",
    "low_csat",
    "held_translation",
    "new_agent",
)
SMART_QUEUE_LABELS = {  # msgids: the UI translates them
    "low_confidence": N_("Low-confidence translations"),
    "low_csat": N_("Low CSAT (2 or less)"),
    "held_translation": N_("Held for human translation"),
    "new_agent": N_("A new agent's first conversations"),
}
MAX_SAMPLE = 1000
MAX_QUEUE = 2000


def sample(
    store: Store,
    n: int,
    *,
    by: SampleBy | None = None,
    period: tuple[int, int] | None = None,
    seed: int = 0,
    include_reviewed: bool = False,
) -> list[int]:
    """``n`` conversations drawn at random (``n`` per agent / region / language when
    ``by`` is given) from those answered in ``period``; the same seed, the same draw."""
    if not 1 <= n <= MAX_SAMPLE:
        raise ReviewError(N_("A sample is 1 to {count} conversations"), count=MAX_SAMPLE)
    if period is not None and period[0] >= period[1]:
        raise ReviewError(N_("The period ends before it starts"))
    groups: dict[str, list[int]] = defaultdict(list)
    for conversation_id, key in store.review_queues.candidates(by, period, include_reviewed):
        groups[key].append(conversation_id)
    rng = random.Random(seed)
    drawn: list[int] = []
    for key in sorted(groups):
        ids = groups[key]
        drawn += rng.sample(ids, min(n, len(ids)))
    return drawn[: MAX_SAMPLE * 10]


def smart_queue(
    store: Store,
    name: SmartQueue,
    now: int,
    *,
    period: tuple[int, int] | None = None,
    limit: int = 500,
    include_reviewed: bool = False,
) -> list[int]:
    """The conversations of a smart queue, most recently active first."""
    if name not in SMART_QUEUES:
        raise ReviewError(N_("There is no review queue named “{name}”"), name=str(name)[:40])
    return store.review_queues.smart(
        name, now, period, max(1, min(limit, MAX_QUEUE)), include_reviewed
    )
