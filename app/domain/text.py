"""Text as CrossDesk compares it: one normalisation and one list of scripts without spaces.

Search (``app.storage.fts``, the inbox and the knowledge articles) and the draft checker
(``app.culture.checker``) both match what a person typed against what a customer wrote.
They must agree, or a phrase the checker flags is one search cannot find (Thai phrases
never matched in the checker; ``ＬＭ-２０２６`` was not found by ``LM-2026``). So both use
:func:`normalize_for_match` and :func:`is_unspaced_script` from here, and nothing else.

Stored text is never changed: only the form that is indexed or compared is normalised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that are
# invisible, so a search must not depend on them: soft hyphen, zero-width space/joiners,
# direction marks and isolates, word joiner, BOM, variation selectors (the emoji "️"),
# Hangul fillers, tag characters.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)

# Scripts written without spaces between words: a phrase in them can start and end
# anywhere, so search indexes them character by character and the checker matches
# their phrases inside longer runs. Korean (Hangul) is written with spaces.
UNSPACED_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x1000, 0x109F, "Myanmar"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1950, 0x19DF, "Tai Le, New Tai Lue"),
    (0x19E0, 0x19FF, "Khmer symbols"),
    (0x1A20, 0x1AAF, "Tai Tham"),
    (0x1B00, 0x1B7F, "Balinese"),
    (0x2E80, 0x2FDF, "Han radicals"),
    (0x3005, 0x3007, "Han iteration and zero"),
    (0x3021, 0x3029, "Hangzhou numerals"),
    (0x3038, 0x303B, "Han"),
    (0x3040, 0x309F, "Hiragana"),
    (0x30A0, 0x30FF, "Katakana"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x31A0, 0x31BF, "Bopomofo extended"),
    (0x31F0, 0x31FF, "Katakana phonetic extensions"),
    (0x3400, 0x4DBF, "Han extension A"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA000, 0xA4CF, "Yi"),
    (0xA980, 0xA9DF, "Javanese"),
    (0xA9E0, 0xA9FF, "Myanmar extended B"),
    (0xAA60, 0xAA7F, "Myanmar extended A"),
    (0xAA80, 0xAADF, "Tai Viet"),
    (0xF900, 0xFAFF, "Han compatibility"),
    (0xFF66, 0xFF9F, "Half-width Katakana"),
    (0x1B000, 0x1B16F, "Kana supplement and extensions"),
    (0x20000, 0x323AF, "Han extensions B to H"),
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )


IGNORABLE_CLASS = _char_class(_IGNORABLE_RANGES)
UNSPACED_CLASS = _char_class(tuple((low, high) for low, high, _ in UNSPACED_RANGES))
"""The unspaced scripts as the inside of a regex character class (``[...]``)."""

_IGNORABLE = re.compile(f"[{IGNORABLE_CLASS}]")
_UNSPACED = re.compile(f"[{UNSPACED_CLASS}]")


def is_unspaced_script(char: str) -> bool:
    """Whether ``char`` belongs to a script written without spaces between words."""
    return _UNSPACED.match(char) is not None


def has_unspaced_script(text: str) -> bool:
    """Whether any character of ``text`` is in a script written without spaces."""
    return _UNSPACED.search(text) is not None


def is_ignorable(char: str) -> bool:
    """Whether ``char`` is invisible and left out of matching (zero-width space, ...)."""
    return _IGNORABLE.match(char) is not None


def normalize_for_match(text: str) -> str:
    """The form in which text is compared: invisible characters removed, NFKC (full-width
    ``ＬＭ`` is ``LM``, half-width ``ｶﾀｶﾅ`` is ``カタカナ``), case folded (``Straße`` is
    ``strasse``). Idempotent."""
    if text.isascii():  # nothing invisible, nothing to compose: only the case changes
        return text.lower()
    if _IGNORABLE.search(text):
        text = _IGNORABLE.sub("", text)
    text = _nfkc(text).casefold()
    text = _nfkc(text)  # folding can decompose (e.g. "ǰ")
    if _IGNORABLE.search(text):
        text = _IGNORABLE.sub("", text)
    return text


def _nfkc(text: str) -> str:
    """NFKC, computed as Unicode defines it: compatibility decomposition, then canonical
    composition. The same text as ``normalize("NFKC")``, but CPython then composes only
    text that has something to compose: a Chinese draft with a full-width comma takes
    0.02 ms instead of 0.25 (the draft checker normalises on every keystroke)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text))


# Characters with combining class 0 that still compose with the character before them
# (the second half of a two-part vowel, Hangul vowel and final jamo). Checked against
# unicodedata by tests/unit/domain/test_text.py.
_COMPOSES_BACKWARDS = frozenset(
    (
        *(0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6),
        *(0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x0FB5, 0x0FB7, 0x102E, 0x1B35, 0x11127, 0x1133E),
        *(0x11357, 0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930),
        *range(0x1161, 0x1176),
        *range(0x11A8, 0x11C3),
    )
)


# The per-character caches below fill only with characters seen in text; past this many
# they start again, so no input can grow them without bound.
_CACHE_LIMIT = 1 << 16


@lru_cache(maxsize=_CACHE_LIMIT)
def _starts_cluster(char: str) -> bool:
    """Whether normalisation can never join ``char`` to what comes before it."""
    if _IGNORABLE.match(char) or unicodedata.combining(char):
        return False
    folded = normalize_for_match(char)
    return not folded or (
        unicodedata.combining(folded[0]) == 0 and ord(folded[0]) not in _COMPOSES_BACKWARDS
    )


@lru_cache(maxsize=_CACHE_LIMIT)
def _normalized_char(char: str) -> str:
    return normalize_for_match(char)


# Marks a character that is not "one for one" in the table below. It is invisible, so
# normalisation removes it: it is never the normalised form of anything.
_SPECIAL = "\u200b"
_SPECIAL_RUN = re.compile(f"{_SPECIAL}+")


class _OneForOne(dict[int, str]):
    """A ``str.translate`` table, filled as characters are first seen: a character that
    is a cluster of its own and normalises to exactly one character maps to that
    character (most text: ``，`` to ``,``, ``A`` to ``a``, ``你`` to itself); any other
    maps to :data:`_SPECIAL`. One translate then maps a whole draft in C, and only the
    few special characters need the cluster-by-cluster loop."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        char = chr(code)
        piece = _normalized_char(char)
        value = piece if len(piece) == 1 and _starts_cluster(char) else _SPECIAL
        self[code] = value
        return value


_ONE_FOR_ONE = _OneForOne()


class MatchText:
    """Text in its normalised form, and the way back: which characters of the original
    each normalised character came from (the checker highlights the original text).

    The way back is worked out on the first :meth:`span` (most drafts have no finding),
    in bulk for runs of one-for-one characters (it runs on every keystroke)."""

    __slots__ = ("_ends", "_exact", "_mapped", "_starts", "normalized", "original")

    def __init__(self, original: str) -> None:
        self.original = original
        self.normalized = normalize_for_match(original)
        self._starts: list[int] | None = None  # None: offsets are the same in both
        self._ends: list[int] | None = None
        self._exact = True
        self._mapped = original.isascii()  # ASCII only changes case, one character for one

    @property
    def exact(self) -> bool:
        """Whether each normalised character maps to the characters it came from (else a
        span is the whole text; never seen, but still true)."""
        if not self._mapped:
            self._map()
        return self._exact

    def _map(self) -> None:
        """Normalise cluster by cluster (a character with the marks and invisible characters
        that follow it), which gives the same text as normalising all at once."""
        self._mapped = True
        text = self.original
        one = text.translate(_ONE_FOR_ONE)  # as long as ``text``: one character for one
        if _SPECIAL not in one:
            if one != self.normalized:
                self._whole_text()
            return  # every character is its own cluster: offsets are the same
        starts: list[int] = []
        ends: list[int] = []
        pieces: list[str] = []
        done = 0  # ``text[:done]`` is mapped
        for run in _SPECIAL_RUN.finditer(one):
            begin, stop = run.span()
            if begin > 0 and not _starts_cluster(text[begin]):
                begin -= 1  # joins the one-for-one character before it
            pieces.append(one[done:begin])
            starts.extend(range(done, begin))
            ends.extend(range(done + 1, begin + 1))
            # ``text[stop]`` (if any) is one for one, so it starts the next cluster.
            for index in range(begin + 1, stop + 1):
                if index < stop and not _starts_cluster(text[index]):
                    continue
                cluster = text[begin:index]
                piece = (
                    _normalized_char(cluster) if len(cluster) == 1 else normalize_for_match(cluster)
                )
                pieces.append(piece)
                starts.extend([begin] * len(piece))
                ends.extend([index] * len(piece))
                begin = index
            done = stop
        pieces.append(one[done:])
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
        if "".join(pieces) != self.normalized:
            self._whole_text()
            return
        self._starts, self._ends = starts, ends

    def _whole_text(self) -> None:
        """Pieces that do not add up to the whole (never seen): a whole-text span is true."""
        self._starts = [0] * len(self.normalized)
        self._ends = [len(self.original)] * len(self.normalized)
        self._exact = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``[start, end)`` (``end > start``)."""
        if not self._mapped:
            self._map()
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]
