"""The one normalisation and the one list of scripts without spaces (app.domain.text),
shared by search and the draft checker."""

from __future__ import annotations

import random
import unicodedata

import pytest

from app.culture import phrases
from app.domain import text
from app.domain.text import MatchText, is_unspaced_script, normalize_for_match
from app.storage import fts


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("pay\u200bpal", "paypal"),  # zero-width space
        ("pay\u00adpal", "paypal"),  # soft hyphen
        ("\ufeffpay\u2060pal\u200d", "paypal"),  # BOM, word joiner, zero-width joiner
        ("ＬＭ-２０２６", "lm-2026"),  # full-width letters and digits
        ("ｶﾀｶﾅ", "カタカナ"),  # half-width katakana
        ("ｶﾞｲﾄﾞ", "ガイド"),  # half-width voiced marks join their kana
        ("Straße", "strasse"),
        ("❤\ufe0f", "❤"),  # emoji presentation selector
        ("e\u200b\u0301", "é"),  # an invisible character does not keep a mark apart
        ("㍿", "株式会社"),
    ],
)
def test_normalize_for_match(raw: str, normalized: str) -> None:
    assert normalize_for_match(raw) == normalized
    assert normalize_for_match(normalized) == normalized  # idempotent


@pytest.mark.parametrize(
    ("char", "unspaced"),
    [
        ("退", True),  # Han
        ("𠀋", True),  # Han extension B
        ("か", True),  # Hiragana
        ("カ", True),  # Katakana
        ("ｶ", True),  # half-width Katakana
        ("ㄅ", True),  # Bopomofo
        ("ส", True),  # Thai
        ("ລ", True),  # Lao
        ("ក", True),  # Khmer
        ("မ", True),  # Myanmar
        ("한", False),  # Korean is written with spaces
        ("a", False),
        ("д", False),
        ("ع", False),
        ("ड", False),
    ],
)
def test_scripts_written_without_spaces(char: str, unspaced: bool) -> None:
    assert is_unspaced_script(char) is unspaced


def test_search_and_the_checker_share_one_definition() -> None:
    """Both take the normalisation and the script list from app.domain.text, not a copy."""
    assert fts.normalize_for_match is text.normalize_for_match
    assert fts.is_unspaced_script is text.is_unspaced_script
    assert phrases.normalize_for_match is text.normalize_for_match
    assert phrases.UNSPACED_CLASS == text.UNSPACED_CLASS
    assert "UNSPACED" not in "".join(vars(fts)) and "_CJK" not in vars(phrases)
    # Every unspaced-script letter stands alone in the index and has no word edge in
    # the checker; every spaced-script letter is part of a word in both.
    for low, high, _script in text.UNSPACED_RANGES:
        for code in (low, (low + high) // 2, high):
            char = chr(code)
            if unicodedata.category(char)[0] == "L":
                assert fts.segment(char) == f" {char} "
                assert not phrases._is_word(char)
    for char in "aдعड한":
        assert fts.segment(char) == char and phrases._is_word(char)


def test_characters_that_compose_backwards_match_unicodedata() -> None:
    """The hand list of combining-class-0 characters that join the one before them is
    exactly what this Python's Unicode data says (a Python upgrade cannot drift)."""
    derived: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2 and unicodedata.combining(chr(int(parts[1], 16))) == 0:
                derived.add(int(parts[1], 16))
    assert derived == set(text._COMPOSES_BACKWARDS)


def test_spans_map_back_to_the_original_text() -> None:
    raw = "ＬＭ-２０２６ pay\u200bpal ｶﾞｲﾄﾞ İx ㍿!"
    folded = MatchText(raw)
    assert folded.normalized == "lm-2026 paypal ガイド i̇x 株式会社!"
    norm = folded.normalized
    for word, original in [
        ("lm-2026", "ＬＭ-２０２６"),
        ("paypal", "pay\u200bpal"),
        ("ガイド", "ｶﾞｲﾄﾞ"),
        ("i̇x", "İx"),
        ("株式会社", "㍿"),
        ("!", "!"),
    ]:
        start = norm.index(word)
        begin, end = folded.span(start, start + len(word))
        assert raw[begin:end] == original


def test_cluster_by_cluster_normalisation_equals_the_whole() -> None:
    """MatchText normalises piece by piece to keep offsets; on any mix of scripts, marks,
    compatibility and invisible characters that gives the same text as all at once."""
    rng = random.Random(9)
    pools = [
        "aAİßﬁ ’-", "\u0301\u0308\u0307\u200b\u200d\ufe0f\u00ad", "ｶﾞﾟﾀｶﾅｰ", "ㄱㅏㄴ가\u1161\u11a8",
        "ส่งของถึงแล้วครับ", "ೇோௗ\u0b47\u0b3e", "ＬＭ２０２６", "㍿①½🙏👍🏽", "नमस्ते",
    ]  # fmt: skip
    for _ in range(3000):
        raw = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 20)))
        folded = MatchText(raw)
        assert folded.exact, repr(raw)
        assert folded.normalized == normalize_for_match(raw)
