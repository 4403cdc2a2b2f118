"""Where a search matched, for the result list: a short piece of the message with the
matched words marked, so the agent sees *why* a conversation was found.

Found in the original text (not the index's folded form, which is lower-cased and
spaced), by folding it one character at a time and mapping each folded position back;
the UI draws the marks itself (never as HTML: customer text stays plain text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.text import is_unspaced_script, normalize_for_match
from app.storage import fts
from app.storage.store import Store

MATCH_CHARS = 160  # of text shown around the first match
LEAD_CHARS = 30  # of text kept before the first match
MAX_SPANS = 12
_FOLDED: dict[str, str] = {}
_BLANKS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True, slots=True)
class Match:
    """A piece of a message (one line, plain text) and the spans of it that matched."""

    text: str
    spans: tuple[tuple[int, int], ...]


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded as the index folds it, and for each folded character its position
    in ``text`` (folding can turn one character into several, or into none)."""
    parts: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _FOLDED.get(char)
        if folded is None:
            folded = normalize_for_match(char)
            if len(_FOLDED) < 50_000:
                _FOLDED[char] = folded
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


def _starts_word(folded: str, at: int, term: str) -> bool:
    """The index matches words by prefix: "liver" must not light up in "delivery"."""
    if at == 0 or is_unspaced_script(term[0]) or not term[0].isalnum():
        return True
    return not folded[at - 1].isalnum()


def _one_line(text: str) -> str:
    """Controls, line breaks and bidi overrides become spaces (one for one: the spans stay
    valid), so the piece is one line and cannot reorder what is drawn around it."""
    return "".join(
        " " if char in _BLANKS or unicodedata.category(char)[0] == "C" else char for char in text
    )


def find_match(body: str, terms: Sequence[str]) -> Match | None:
    """The piece of ``body`` around the first matching term, with every term marked."""
    folded, origin = _fold(body)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start >= 0 and len(spans) < MAX_SPANS:
            end = start + len(term)
            if _starts_word(folded, start, term):
                spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    if not spans:
        return None
    spans.sort()
    first = spans[0][0]
    begin = max(0, first - LEAD_CHARS)
    if begin:  # start at a word if one starts shortly before
        space = body.find(" ", begin, first)
        begin = space + 1 if space >= 0 else begin
    piece = body[begin : begin + MATCH_CHARS]
    prefix = "…" if begin else ""
    shift = len(prefix) - begin
    shown = tuple(
        (max(s + shift, len(prefix)), min(e + shift, len(prefix) + len(piece)))
        for s, e in spans
        if s < begin + len(piece) and e > begin
    )
    return Match(prefix + _one_line(piece), tuple((s, e) for s, e in shown if e > s))


def search_matches(repo: Store, conversation_ids: Sequence[int], search: str) -> dict[int, Match]:
    """For each conversation, the newest message where the search matched (none if only
    the customer's name or handle matched: the row shows those already)."""
    terms = [term for term in dict.fromkeys(fts.words(search)) if term]
    if not terms:
        return {}
    found: dict[int, Match] = {}
    for cid, body in repo.search.recent_bodies(list(conversation_ids)):
        if cid in found:
            continue
        folded = normalize_for_match(body)  # quick (C) test first: most messages do not match
        if not any(term in folded for term in terms):
            continue
        match = find_match(body, terms)
        if match is not None:
            found[cid] = match
    return found
