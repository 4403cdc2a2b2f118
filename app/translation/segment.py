"""Cutting a paragraph into pieces the translation model can carry whole.

A model decodes at most so many tokens per input; a run-on message given to it as
one "sentence" comes back cut short with full confidence. So every paragraph is cut
into pieces of at most ``budget`` source tokens: at sentence boundaries first
(sentencex: rule-based, ~300 languages, MIT, no model to download), then after clause
punctuation (Latin, CJK, Arabic), then at whitespace, and as a last resort by token
count inside a word (Chinese, Japanese or Thai without punctuation, 20,000 "A").
Adjacent short pieces of one sentence are merged again so that the model sees as
much context as fits. Joining the translated pieces in order gives the paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# After these a clause ends: Latin and general punctuation, CJK full-width marks, the
# ideographic comma and enumeration comma, Arabic comma/semicolon/question mark, Devanagari
# danda, Armenian/Ethiopic full stops, the Thai paiyannoi/angkhankhu, ellipsis and dashes.
_CLAUSE_END = re.compile(r"[,;:，、；：。！？،؛؟।॥։።ฯ๚…—–)\]）】」』》]+\s*")
_WHITESPACE = re.compile(r"\S+\s*")
# Scripts written without spaces between words or sentences: pieces join without one.
UNSPACED = frozenset({"zh", "zt", "ja", "th", "lo", "km", "my", "bo"})
# Argos codes that sentencex knows under another name.
_SENTENCEX_CODES = {"zt": "zh", "pb": "pt", "nb": "no"}

Count = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a paragraph: its text (no surrounding whitespace) and how it was cut.

    ``gap`` is the whitespace that stood before it in the source ("" for the first piece
    or when none did); ``hard`` marks a cut inside a word, which must be joined back
    without a space.
    """

    text: str
    gap: str = ""
    hard: bool = False


def sentences(text: str, language: str) -> list[str]:
    """The sentences of ``text`` (whitespace kept; they concatenate back to ``text``)."""
    from sentencex import segment  # imported on the first translation, not with the window

    found = list(segment(_SENTENCEX_CODES.get(language, language), text))
    if "".join(found) != text:  # defensive: never lose a character to the splitter
        return [text]
    return found


def split(text: str, language: str, count: Count, budget: int) -> list[Piece]:
    """Pieces of one paragraph (no newline), each at most ``budget`` tokens by ``count``."""
    if budget < 1:
        raise ValueError("budget must be at least one token")
    pieces: list[Piece] = []
    tail = ""  # sentencex keeps the whitespace after a sentence: the gap before the next
    for sentence in sentences(text, language):
        core = sentence.strip()
        if not core:
            tail += sentence
            continue
        gap = tail + sentence[: len(sentence) - len(sentence.lstrip())]
        for index, chunk in enumerate(_fit(core, count, budget)):
            if not pieces:
                pieces.append(Piece(chunk.text))
            elif index == 0:
                pieces.append(Piece(chunk.text, gap))
            else:
                pieces.append(chunk)
        tail = sentence[len(sentence.rstrip()) :]
    return pieces


def _fit(core: str, count: Count, budget: int) -> list[Piece]:
    """Cut one stripped sentence into pieces within budget (clauses, words, then tokens)."""
    if count(core) <= budget:
        return [Piece(core)]
    out: list[Piece] = []
    for clause, gap in _units(core, _CLAUSE_END):
        if count(clause) <= budget:
            out.append(Piece(clause, gap))
            continue
        for index, (word, word_gap) in enumerate(_units(clause, _WHITESPACE)):
            first_gap = gap if index == 0 else word_gap
            if count(word) <= budget:
                out.append(Piece(word, first_gap))
            else:
                out.extend(_hard(word, first_gap, count, budget))
    return _merge(out, count, budget)


def _units(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """(unit, whitespace before it) for each unit ending at ``pattern`` (or the text's end)."""
    start, gap = 0, ""
    for match in pattern.finditer(text):
        end = match.end()
        unit = text[start:end]
        stripped = unit.rstrip()
        if stripped:
            yield stripped, gap
            gap = unit[len(stripped) :]
            start = end
    rest = text[start:]
    if rest.strip():
        yield rest.strip(), gap


def _hard(word: str, gap: str, count: Count, budget: int) -> list[Piece]:
    """Cut a word (no whitespace, no clause mark) by token count: the longest prefixes that fit.

    The search looks at a window that doubles while it fits, so a 200,000-character word
    is not re-tokenized whole for every piece.
    """
    out: list[Piece] = []
    rest = word
    while rest:
        window = min(len(rest), budget * 4)
        while window < len(rest) and count(rest[:window]) <= budget:
            window = min(len(rest), window * 2)
        if count(rest[:window]) <= budget:
            size = window
        else:
            low, high = 1, window - 1
            while low < high:  # the longest prefix within budget (at least one character)
                middle = (low + high + 1) // 2
                if count(rest[:middle]) <= budget:
                    low = middle
                else:
                    high = middle - 1
            size = low
            while size > 1 and unicodedata.combining(rest[size]):
                size -= 1  # never part a letter from its accent or Thai vowel mark
        out.append(Piece(rest[:size], "" if out else gap, hard=bool(out)))
        rest = rest[size:]
    return out


def _merge(units: list[Piece], count: Count, budget: int) -> list[Piece]:
    """Join neighbouring units back while the joined text stays within budget."""
    merged: list[Piece] = []
    for unit in units:
        if merged:
            last = merged[-1]
            joined = last.text + ("" if unit.hard else unit.gap) + unit.text
            if count(joined) <= budget:
                merged[-1] = Piece(joined, last.gap, last.hard)
                continue
        merged.append(unit)
    return merged


def join(pieces: list[Piece], translated: list[str], target: str) -> str:
    """The translated paragraph: pieces in order, with the source's spacing where it fits."""
    out: list[str] = []
    for piece, text in zip(pieces, translated, strict=True):
        if out:
            if piece.hard:
                separator = ""
            elif piece.gap:
                separator = " "
            else:  # CJK punctuation ended the piece without a space: add one for spaced scripts
                separator = "" if target in UNSPACED else " "
            out.append(separator)
        out.append(text)
    return "".join(out)
