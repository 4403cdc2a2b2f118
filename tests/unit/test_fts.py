"""Search text handling: every script the inbox receives is findable, no input breaks FTS."""

from __future__ import annotations

import sqlite3

import pytest

from app.storage.fts import TOKENIZER, match_expression, segment


def _index(*docs: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{TOKENIZER}')")
    conn.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)",
        [(i + 1, segment(d)) for i, d in enumerate(docs)],
    )
    return conn


def _search(conn: sqlite3.Connection, text: str) -> list[int]:
    expression = match_expression(text)
    assert expression is not None
    return [
        r[0]
        for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))
    ]


DOCS = (
    "Where is my parcel? Order LM-2026-104233 is late",
    "我想申请退款，商品有质量问题",
    "商品が届いていません。返金をお願いします。",
    "ส่งของถึงแล้วครับ ขอบคุณครับ",
    "डिलीवरी कब होगी? ऑर्डर अभी तक नहीं आया",
    "배송이 너무 늦어요",
    "Não recebi meu pedido, já faz três semanas",
    "السلام عليكم، أين طلبي؟",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("parcel", [1]),
        ("parc", [1]),  # search as you type: prefix
        ("104233", [1]),
        ("退款", [2]),  # Chinese word inside a run of characters
        ("质量", [2]),
        ("返金", [3]),  # Japanese
        ("ส่งของ", [4]),  # Thai, no spaces between words
        ("डिलीवरी", [5]),  # Devanagari with vowel signs
        ("배송", [6]),  # Korean word with a particle attached
        ("nao recebi", [7]),  # accents are optional
        ("طلبي", [8]),  # Arabic
        ("退款 质量", [2]),  # several words: all must match
        ("退款 parcel", []),
    ],
)
def test_every_script_is_searchable(query: str, expected: list[int]) -> None:
    assert _search(_index(*DOCS), query) == expected


@pytest.mark.parametrize(
    "hostile",
    ['"', "a OR b", "NEAR(", "*", "x AND", "col:val", "^start", "(", "'; DROP TABLE t; --", "\x00"],
)
def test_fts_syntax_in_user_input_never_raises(hostile: str) -> None:
    conn = _index(*DOCS)
    expression = match_expression(hostile)
    if expression is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_empty_or_punctuation_only_input_means_no_search() -> None:
    assert match_expression("   ") is None
    assert match_expression("?!…") is None
