"""Customer text made safe to *show* (never to store): bounded, no display tricks.

Names, subjects, tags and handles come from channels and servers. Shown as received,
a 100,000-character name blocks the UI thread and widens the window, a right-to-left
override makes ``Invoice \u202eFDP.exe\u202c`` read as a PDF, and a stack of combining
marks draws over the lines around it. The store keeps the text exactly as received;
every widget passes it through :func:`display_text` (short fields) or
:func:`display_body` (message bodies) first. Pure Python, so it is tested without Qt.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

ELLIPSIS = "…"
FSI, PDI = "\u2068", "\u2069"
MAX_MARKS = 3  # combining marks kept per base character (Hebrew points and Thai need 2-3)
SCAN_FACTOR = 8  # look at most this many characters per character shown

# Embeddings and overrides become isolates: the direction hint stays, reordering the
# characters (or anything around the field) does not.
_TO_ISOLATE = {
    "\u202a": "\u2066",  # LRE -> LRI
    "\u202d": "\u2066",  # LRO -> LRI
    "\u202b": "\u2067",  # RLE -> RLI
    "\u202e": "\u2067",  # RLO -> RLI
}
_OPENERS = frozenset("\u2066\u2067\u2068")
_CLOSERS = frozenset("\u202c\u2069")  # PDF and PDI both close the innermost opener
MAX_DEPTH = 8
# Invisible characters with no use in a name or a message but to hide or confuse
# (zero-width joiners/non-joiners stay: emoji and Indic and Arabic scripts need them).
_INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e") | frozenset(
    chr(c) for c in range(0x206A, 0x2070)
)
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


def _neutralise_line(line: str) -> str:
    """One line with overrides turned into isolates, every isolate closed, none unmatched."""
    out: list[str] = []
    depth = 0
    for ch in line:
        ch = _TO_ISOLATE.get(ch, ch)
        if ch in _OPENERS:
            if depth >= MAX_DEPTH:
                continue
            depth += 1
        elif ch in _CLOSERS:
            if not depth:
                continue  # a closer with nothing to close would end an outer isolate
            depth -= 1
            ch = PDI
        out.append(ch)
    out.append(PDI * depth)
    return "".join(out)


def _clean(text: str, *, single_line: bool) -> str:
    """Drop controls, clamp combining marks, fix surrogates; in a one-line field also drop
    invisible characters (a message keeps them: Thai and Khmer use zero-width spaces as
    word breaks)."""
    out: list[str] = []
    marks = 0
    for ch in text:
        code = ord(ch)
        if ch in _LINE_BREAKS or ch == "\t":
            if single_line:
                ch = " "
            elif ch != "\t":
                ch = "\n"
        elif code < 0x20 or 0x7F <= code < 0xA0 or (single_line and ch in _INVISIBLE):
            continue  # NUL and other controls: nothing a reader can see
        elif 0xD800 <= code < 0xE000:
            ch = "\ufffd"  # a lone surrogate cannot be drawn (nor handed to Qt)
        category = unicodedata.category(ch)
        if category in ("Mn", "Me"):
            marks += 1
            if marks > MAX_MARKS:
                continue
        elif category != "Cf":  # a format character (one may be dropped later) is no base
            marks = 0
        out.append(ch)
    return "".join(out)


def display_text(text: str | None, max_chars: int = 200) -> str:
    """A short customer field (name, subject, tag, handle) ready to draw on one line.

    At most ``max_chars`` characters plus an ellipsis; the work done is bounded by
    ``max_chars`` too, whatever the length of ``text``.
    """
    if not text:
        return ""
    window = text[: max_chars * SCAN_FACTOR].replace("\r\n", "\n")
    cleaned = _neutralise_line(_clean(unicodedata.normalize("NFC", window), single_line=True))
    cut = len(text) > max_chars * SCAN_FACTOR
    visible = cleaned.replace(PDI, "").replace("\u2066", "").replace("\u2067", "")
    if len(visible) > max_chars or cut:
        cleaned = _neutralise_line(_truncate(cleaned, max_chars)) + ELLIPSIS
    return cleaned


def _truncate(text: str, max_chars: int) -> str:
    """The first ``max_chars`` characters, counting isolate controls as nothing."""
    count = 0
    for i, ch in enumerate(text):
        if ch in _OPENERS or ch == PDI:
            continue
        count += 1
        if count > max_chars:
            return text[:i]
    return text


_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


@cache
def _mark_stack() -> re.Pattern[str]:
    """More combining marks in a row than are kept (built once, on first use)."""
    ranges: list[list[int]] = []
    for code in (*range(0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(code)) in ("Mn", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges
    )
    return re.compile(f"[{marks}]{{{MAX_MARKS + 1},}}")


def display_body(text: str) -> str:
    """A message body for the thread: lines kept, tricks neutralised (length is the
    caller's business: the thread already shows the first 8,000 characters).

    Ordinary text (no controls, no overrides, no stacks of marks) comes back as it is,
    without a character-by-character pass.
    """
    if not _SUSPECT.search(text) and (text.isascii() or not _mark_stack().search(text)):
        return text
    text = text.replace("\r\n", "\n")
    cleaned = _clean(unicodedata.normalize("NFC", text), single_line=False)
    return "\n".join(_neutralise_line(line) for line in cleaned.split("\n"))


def isolated(text: str | None, max_chars: int = 200) -> str:
    """:func:`display_text` wrapped in a first-strong isolate, to sit inside a line of
    other text (an Arabic name must not turn the times around it right to left)."""
    return f"{FSI}{display_text(text, max_chars)}{PDI}"
