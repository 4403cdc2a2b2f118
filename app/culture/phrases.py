"""Phrase matching for the draft checker: every phrase of a draft language in one regex.

Drafts and phrases are compared in search's normalised form (:mod:`app.domain.text`:
NFKC, case folded, zero-width characters removed), so ``ＡＳＡＰ`` and ``a\\u200bsap`` are
``asap``; the spans found are mapped back onto the draft as the agent wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from app.domain.text import UNSPACED_CLASS, MatchText, normalize_for_match

# Drafts and phrases are compared in search's normalised form (app.domain.text). Letters
# and digits of scripts that separate words with spaces: a phrase made of them only
# matches as whole words. Scripts written without spaces (Chinese, Japanese, Thai...,
# the same list search uses) have no word edges, so their phrases match anywhere.
_WORD = f"[^\\W{UNSPACED_CLASS}]"
_WORD_CHAR = re.compile(_WORD)
_NOT_AFTER_WORD = f"(?<!{_WORD})"
_NOT_BEFORE_WORD = f"(?!{_WORD})"
_SEPARATORS = re.compile(r"[\s\-]+")
_GAP = r"[\s\-]+"  # a space or hyphen in a phrase matches any run of them
_APOSTROPHE = "['’]"
_KEY_CACHE_SIZE = 4096  # matched texts remembered per index
_KEY_CACHE_TEXT = 200  # characters: a longer match (a long run of spaces) is not kept


def _key(phrase: str) -> str:
    """A phrase, or the text it matched, in one comparable form."""
    return _SEPARATORS.sub(" ", normalize_for_match(phrase).replace("’", "'")).strip()


def _atoms(key: str) -> Iterator[str]:
    for char in key:
        if char == " ":
            yield _GAP
        elif char == "'":
            yield _APOSTROPHE
        else:
            yield re.escape(char)


def _is_word(char: str) -> bool:
    return _WORD_CHAR.fullmatch(char) is not None


def _splits_a_character(text: str, end: int) -> bool:
    """Whether a phrase ending at ``end`` leaves behind a mark of its last character (a
    Thai vowel or tone mark): then it matched part of a syllable, not the phrase."""
    return end < len(text) and unicodedata.category(text[end])[0] == "M"


def _trie(keys: Iterable[str]) -> str:
    """One regex for many phrases, sharing common prefixes (fast to scan and to
    compile); longer phrases come first, so at each position the longest one wins."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        for atom in _atoms(key):
            node = node.setdefault(atom, {})
        node[""] = {}  # "" marks the end of a phrase
    return _emit(root)


def _emit(node: dict[str, Any]) -> str:
    branches = [atom + _emit(child) for atom, child in sorted(node.items()) if atom]
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _phrase_regex(keys: Iterable[str]) -> str:
    """Phrases grouped by whether they start and end with a letter or digit, each
    group bounded as a whole word where it does (CJK phrases match anywhere)."""
    groups: dict[tuple[bool, bool], list[str]] = {}
    for key in keys:
        groups.setdefault((_is_word(key[0]), _is_word(key[-1])), []).append(key)
    return "|".join(
        (_NOT_AFTER_WORD if starts else "") + _trie(members) + (_NOT_BEFORE_WORD if ends else "")
        for (starts, ends), members in sorted(groups.items(), reverse=True)
    )


class PhraseIndex:
    """Every phrase of one draft language in one regex, scanned once per check.

    The regex sits in a lookahead so that phrases overlapping one another are all
    found; where a shorter phrase is a whole-word prefix of a longer one at the same
    place, the longer match also reports the shorter one.
    """

    def __init__(self, entries: list[tuple[str, int]]) -> None:
        owners: dict[str, list[int]] = {}
        for phrase, rule in entries:
            bucket = owners.setdefault(_key(phrase), [])
            if rule not in bucket:
                bucket.append(rule)
        self.rules_of = {key: tuple(rules) for key, rules in owners.items()}
        self.prefixes_of: dict[str, tuple[str, ...]] = {}
        for key in owners:
            shorter = tuple(
                key[:i]
                for i in range(1, len(key))
                if key[:i] in owners and (not _is_word(key[i - 1]) or not _is_word(key[i]))
            )
            if shorter:
                self.prefixes_of[key] = shorter
        self.alone = {
            short: re.compile(_phrase_regex([short]))
            for shorter in self.prefixes_of.values()
            for short in shorter
        }
        # Every phrase starts with one of these: testing for them first skips at once the
        # many places where none starts (a third of the scan's time on a Chinese draft).
        firsts = "".join(sorted({"'’" if key[0] == "'" else re.escape(key[0]) for key in owners}))
        self.regex = re.compile(f"(?=[{firsts}])(?=(" + _phrase_regex(owners) + "))")
        # The key of each text matched (the same few phrases, check after check); bounded.
        self._keys: dict[str, str] = {}

    def _key_of(self, matched: str) -> str:
        """:func:`_key` of a matched text, remembered: it runs on every keystroke."""
        key = self._keys.get(matched)
        if key is None:
            key = _key(matched)
            if len(matched) <= _KEY_CACHE_TEXT:
                if len(self._keys) >= _KEY_CACHE_SIZE:
                    self._keys.clear()
                self._keys[matched] = key
        return key

    def scan(self, text: str, active: frozenset[int]) -> Iterator[tuple[int, int, int]]:
        """(rule, start, end) of every phrase of an active rule in ``text``; spans are in
        ``text`` itself, though matching runs on its normalised form."""
        folded = MatchText(text)
        subject = folded.normalized
        span, keys, rules_of, prefixes_of = folded.span, self._keys, self.rules_of, self.prefixes_of
        for match in self.regex.finditer(subject):
            start, end = match.span(1)
            if _splits_a_character(subject, end):
                continue
            matched = match.group(1)
            key = keys.get(matched) or self._key_of(matched)
            for rule in rules_of.get(key, ()):
                if rule in active:
                    yield rule, *span(start, end)
            for short in prefixes_of.get(key, ()):
                rules = [rule for rule in rules_of[short] if rule in active]
                inner = self.alone[short].match(subject, start) if rules else None
                if inner is None or _splits_a_character(subject, inner.end()):
                    continue
                for rule in rules:
                    yield rule, *span(start, inner.end())
