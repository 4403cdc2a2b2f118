"""Keeping what must not be translated intact: order numbers, links, amounts, brand names.

Before translation each protected span is replaced by a placeholder (``QX1Z``,
``QX2Z``...: upper-case letters and digits, which translation models copy);
afterwards the placeholders are replaced by the original span, or by the
glossary's approved rendering for the target language. If the model mangled or
dropped a placeholder, :func:`restore` says so and the caller translates the
pieces between the protected spans one by one instead: protection never fails
silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.datafiles import DataFileError, line_of, load_yaml

_PLACEHOLDER = re.compile(r"q\s*x\s*(\d{1,3})\s*z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """A team term: kept as is (``rendering`` None) or forced to an approved rendering.

    ``source_language``/``target_language`` None mean "any".
    """

    term: str
    rendering: str | None = None
    source_language: str | None = None
    target_language: str | None = None

    def applies(self, source: str, target: str) -> bool:
        return (self.source_language in (None, source)) and (self.target_language in (None, target))


@dataclass(frozen=True, slots=True)
class Protected:
    """Text with placeholders, and what each placeholder stands for in the output."""

    text: str
    replacements: tuple[str, ...]  # index n is what QX{n}Z becomes
    pieces: tuple[tuple[bool, str], ...]  # (translate?, text) for the fallback
    glossary: bool = False  # a team term was kept or rendered (the label says so)


def load_patterns(path: Path) -> list[re.Pattern[str]]:
    """Read and validate the protected-pattern file; an error names the file and line."""
    from app.translation.patterns_schema import PatternsFile  # pydantic: only when loading

    data = load_yaml(path)
    try:
        parsed = PatternsFile.model_validate(data)
    except Exception as exc:
        errors: list[dict[str, Any]] = getattr(exc, "errors", lambda: [])()
        loc = errors[0]["loc"] if errors else ()
        raise DataFileError(path, line_of(data, loc), str(exc).splitlines()[-1]) from exc
    compiled = []
    for spec in parsed.patterns:
        pattern = re.compile(spec.regex)
        for example in spec.examples:
            if not pattern.search(example):
                raise DataFileError(
                    path, None, f"pattern '{spec.id}' does not match its example {example!r}"
                )
        compiled.append(pattern)
    return compiled


def _term_pattern(term: str) -> re.Pattern[str]:
    escaped = re.escape(term)
    # Word boundaries only where the term starts/ends with a word character of a spaced
    # script; "光环补光灯" must match inside a run of Chinese characters.
    left = r"(?<!\w)" if term[:1].isascii() and term[:1].isalnum() else ""
    right = r"(?!\w)" if term[-1:].isascii() and term[-1:].isalnum() else ""
    return re.compile(f"{left}{escaped}{right}", re.IGNORECASE)


def protect(
    text: str,
    source: str,
    target: str,
    patterns: Sequence[re.Pattern[str]],
    glossary: Iterable[GlossaryTerm],
) -> Protected:
    """Replace protected spans by placeholders."""
    spans: list[tuple[int, int, str]] = []  # start, end, replacement

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    # Links, addresses, order numbers first (a brand name inside a URL is part of the URL),
    # then team terms, longest first.
    for pattern in patterns:
        for match in pattern.finditer(text):
            if match.group(0) and free(match.start(), match.end()):
                spans.append((match.start(), match.end(), match.group(0)))
    terms = sorted(
        (t for t in glossary if t.term.strip() and t.applies(source, target)),
        key=lambda t: -len(t.term),
    )
    used_term = False
    for term in terms:
        for match in _term_pattern(term.term).finditer(text):
            if free(match.start(), match.end()):
                spans.append((match.start(), match.end(), term.rendering or match.group(0)))
                used_term = True
    spans.sort()
    out: list[str] = []
    pieces: list[tuple[bool, str]] = []
    replacements: list[str] = []
    cursor = 0
    for index, (start, end, replacement) in enumerate(spans, start=1):
        out.append(text[cursor:start])
        pieces.append((True, text[cursor:start]))
        out.append(f"QX{index}Z")
        pieces.append((False, replacement))
        replacements.append(replacement)
        cursor = end
    out.append(text[cursor:])
    pieces.append((True, text[cursor:]))
    return Protected("".join(out), tuple(replacements), tuple(p for p in pieces if p[1]), used_term)


def restore(translated: str, protected: Protected) -> str | None:
    """Put the protected spans back; None if a placeholder was lost, doubled or invented."""
    if not protected.replacements:
        return translated
    found = [int(m.group(1)) for m in _PLACEHOLDER.finditer(translated)]
    if sorted(found) != list(range(1, len(protected.replacements) + 1)):
        return None
    return _PLACEHOLDER.sub(lambda m: protected.replacements[int(m.group(1)) - 1], translated)


def spans(text: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """The protected values in a text (order numbers, amounts, links), in order."""
    return list(protect(text, "", "", patterns, ()).replacements)


def masker(patterns: Sequence[re.Pattern[str]]) -> Callable[[str], str]:
    """A function replacing every protected value by one neutral mark (for memory matching)."""

    def mask(text: str) -> str:
        return _PLACEHOLDER.sub("§", protect(text, "", "", patterns, ()).text)

    return mask
