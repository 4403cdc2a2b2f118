"""Translation memory: approved translations, matched exactly or fuzzily before any MT.

Entries come from leads' corrections and from the team's canned replies (macros).
Matching ignores case, spacing and trailing punctuation for "exact" and uses
RapidFuzz's normalised Levenshtein ratio for fuzzy matches; a match at or above
:data:`USE_THRESHOLD` wins over machine translation and is labelled with its score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

USE_THRESHOLD = 90.0  # below this a memory entry is a different sentence, not a variant

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """One approved translation."""

    source_language: str
    target_language: str
    source_text: str
    target_text: str
    origin: str  # "lead" (a correction), "macro" (a canned reply), "agent"


@dataclass(frozen=True, slots=True)
class MemoryMatch:
    entry: MemoryEntry
    score: float  # 100 = exact (after normalisation)


def normalise(text: str) -> str:
    """What "the same sentence" means for the memory: case, width, spacing, end punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", folded).strip().rstrip(".!?。！？ ")


class TranslationMemory:
    """An in-memory index of entries per language pair (rebuilt when entries change).

    ``mask`` hides what may differ between a stored sentence and a new one without
    changing its meaning for matching (order numbers, amounts, links): the pipeline
    then puts the new text's own values into the approved translation.
    """

    def __init__(
        self, entries: Iterable[MemoryEntry] = (), mask: Callable[[str], str] = lambda t: t
    ) -> None:
        self._mask = mask
        self._by_pair: dict[tuple[str, str], tuple[list[str], list[MemoryEntry]]] = {}
        for entry in entries:
            keys, values = self._by_pair.setdefault(
                (entry.source_language, entry.target_language), ([], [])
            )
            keys.append(normalise(mask(entry.source_text)))
            values.append(entry)

    def __len__(self) -> int:
        return sum(len(values) for _, values in self._by_pair.values())

    def lookup(self, text: str, source: str, target: str) -> MemoryMatch | None:
        """The best approved translation of ``text`` for the pair, if it is close enough."""
        pair = self._by_pair.get((source, target))
        if not pair or not text.strip():
            return None
        keys, entries = pair
        query = normalise(self._mask(text))
        best = process.extractOne(query, keys, scorer=fuzz.ratio, score_cutoff=USE_THRESHOLD)
        if best is None:
            return None
        _, score, index = best
        return MemoryMatch(entries[index], round(float(score), 1))
