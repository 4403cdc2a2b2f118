"""Customer text is bounded and stripped of display tricks before it is drawn."""

from __future__ import annotations

import time
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.display import (
    ELLIPSIS,
    FSI,
    MAX_MARKS,
    PDI,
    display_body,
    display_text,
    isolated,
)

OVERRIDES = set("\u202a\u202b\u202c\u202d\u202e")
ISOLATES = {"\u2066": 1, "\u2067": 1, "\u2068": 1, "\u2069": -1}

# Hostile pieces: bidi controls, combining marks, zero-width, NUL and controls, lone
# surrogates and their neighbours, several scripts, newlines.
PIECES = st.sampled_from(
    [
        *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
        *"\u0301\u0336\u20dd\u0489\u05b8\u0e49",
        *"\u200b\u200c\u200d\u2060\ufeff",
        *"\x00\x01\x1b\x7f\x85\n\r\t\u2028",
        *"\ud800\udfff\ud7ff\ue000\U0001f600",
        "Invoice ",
        "FDP.exe",
        "عبدالله",
        "שלום",
        "王小明",
        "สวัสดี",
        "a",
        " ",
    ]
)
HOSTILE = st.lists(PIECES, max_size=400).map("".join) | st.text(max_size=300)


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ISOLATES.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def max_mark_run(text: str) -> int:
    run = longest = 0
    for ch in text:
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me") else 0
        longest = max(longest, run)
    return longest


@settings(max_examples=300, deadline=None, database=None)
@given(HOSTILE, st.integers(min_value=1, max_value=120))
def test_display_text_of_anything_is_short_single_line_and_trick_free(
    text: str, limit: int
) -> None:
    shown = display_text(text, limit)
    visible = [ch for ch in shown if ch not in ISOLATES]
    assert len(visible) <= limit + 1  # + the ellipsis
    assert not OVERRIDES & set(shown)
    assert balanced(shown)
    assert max_mark_run(shown) <= MAX_MARKS
    assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert not any(0xD800 <= ord(ch) < 0xE000 for ch in shown)
    assert "\u2028" not in shown and "\ufeff" not in shown
    shown.encode("utf-8")  # drawable: Qt gets no lone surrogate


@settings(max_examples=200, deadline=None, database=None)
@given(HOSTILE)
def test_display_body_keeps_lines_but_not_tricks(text: str) -> None:
    shown = display_body(text)
    assert not OVERRIDES & set(shown)
    assert max_mark_run(shown) <= MAX_MARKS
    assert all(balanced(line) for line in shown.split("\n"))
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" for ch in shown)
    shown.encode("utf-8")


def test_an_override_cannot_make_an_executable_pose_as_a_pdf() -> None:
    shown = display_text("Invoice \u202eFDP.exe\u202c")
    assert "FDP.exe" in shown  # drawn in the order it was typed: ".exe" stays visible
    assert not OVERRIDES & set(shown)
    assert shown.replace("\u2067", "").replace(PDI, "") == "Invoice FDP.exe"
    body = display_body("see attachment Invoice \u202eFDP.exe\u202c please\nthanks")
    assert not OVERRIDES & set(body) and body.endswith("please\nthanks")


def test_an_unmatched_closer_cannot_end_the_surrounding_isolate() -> None:
    shown = isolated("\u2069\u202cname\u2066")
    assert shown.startswith(FSI) and shown.endswith(PDI)
    assert shown[1:-1].count(PDI) == shown[1:-1].count("\u2066")
    assert balanced(shown)


def test_combining_stacks_are_clamped_and_ordinary_marks_kept() -> None:
    assert max_mark_run(display_text("Z" + "\u0336\u0301\u0302" * 50 + "algo")) == MAX_MARKS
    assert display_text("שָׁלוֹם") == unicodedata.normalize("NFC", "שָׁלוֹם")  # Hebrew points
    assert display_text("ที่นี่") == "ที่นี่"  # Thai vowel + tone mark
    assert display_text("Nguyễn") == "Nguyễn"


def test_controls_and_invisibles_are_removed_and_line_breaks_become_spaces() -> None:
    assert display_text("Ana\x00\x1b[31m\ufeff\u200bSouza") == "Ana[31mSouza"
    assert display_text("line one\nline two\r\n\u2028x") == "line one line two  x"
    assert display_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # joiners stay


def test_a_huge_field_is_cut_quickly_with_an_ellipsis() -> None:
    for huge in ("A" * 100_000, "\u0301" * 100_000, "\u202e" * 100_000 + "x", "王" * 100_000):
        start = time.perf_counter()
        shown = display_text(huge, 200)
        assert time.perf_counter() - start < 0.05
        assert shown.endswith(ELLIPSIS) and len(shown) <= 202


def test_ordinary_text_is_unchanged() -> None:
    for text in ("Ana Souza", "王小明", "عبدالله الحربي", "Jonas Müller", ""):
        assert display_text(text) == text
    body = "Hello,\n\twhere is my order?\nOlá 👍"
    assert display_body(body) is body
    huge = "Lorem ipsum " * 100_000
    start = time.perf_counter()
    assert display_body(huge) is huge
    assert time.perf_counter() - start < 0.1
