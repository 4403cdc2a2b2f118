"""Full-text indexing that works for every script the inbox receives.

Text is indexed and queried in one form, :func:`app.domain.text.normalize_for_match`
(the draft checker compares the same form): zero-width characters removed, NFKC, case
folded, so ``pay\\u200bpal`` is found by ``paypal`` and ``ＬＭ-２０２６`` by ``LM-2026``.

SQLite's ``unicode61`` tokenizer splits on spaces, which Chinese, Japanese and Thai do
not use; so the characters of the scripts written without spaces
(:func:`app.domain.text.is_unspaced_script`) are indexed one by one and a query for
``退款`` becomes the phrase ``"退 款"``. Symbols (emoji, currency signs) are indexed as
words of their own, so a search for ``🙏`` finds the messages that carry it. Latin,
Cyrillic, Arabic, Devanagari and Hangul words are matched by prefix, so
search-as-you-type finds ``deliv``. User input is always quoted: no FTS5 syntax error
can reach the user.

The index tables are made in SQL (migrations v5), not with sqlite-utils'
``enable_fts``/``rebuild_fts``: those index a table's own columns as they are stored
(``content=<table>``, filled and rebuilt by copying the columns), while a document here is
built in Python from several tables (customer name and handles, subject, every message)
in the normalised, segmented form above; and ``enable_fts`` has no ``prefix = '2 3'``.
"""

from __future__ import annotations

import json
import unicodedata

from app.domain.text import has_unspaced_script, is_unspaced_script, normalize_for_match

# unicode61 keeps letters, numbers and private use by default; symbols (category S) are
# kept too, so that an emoji is a word. The pre-tokenisation below makes each symbol
# stand alone ("a😊b" is three words).
TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co S*'"
TOKENIZER_SQL = TOKENIZER.replace("'", "''")  # inside tokenize = '...'

MAX_QUERY_CHARS = 1000  # what the user typed; more is cut (a search box holds 500)


class _Spacing(dict[int, "int | str"]):
    """``str.translate`` table, filled as characters are met: an unspaced-script character
    or a symbol becomes " c ", any other stays itself (8 times quicker than a regex
    substitution on Chinese, Japanese or Thai text, which rewrites nearly every character)."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        alone = is_unspaced_script(char) or unicodedata.category(char)[0] == "S"
        value: int | str = f" {char} " if alone else code
        if len(self) < 100_000:  # every character a text can hold would be ~1.1 million
            self[code] = value
        return value


_SPACING = _Spacing()
_ASCII_SYMBOLS = frozenset("$+<=>^`|~")


def segment(text: str) -> str:
    """Return ``text`` with every unspaced-script character and every symbol standing alone.

    ``text`` is expected in normalised form (see :func:`index_text`)."""
    if text.isascii() and _ASCII_SYMBOLS.isdisjoint(text):
        return text
    return text.translate(_SPACING)


def index_text(text: str) -> str:
    """The form in which ``text`` goes into the index (and queries are built from)."""
    return segment(normalize_for_match(text))


def conversation_document(
    name: str, handles_json: str, subject: str | None, bodies: list[str]
) -> tuple[str, str]:
    """The ``name`` and ``body`` columns of a conversation's search document: the customer's
    name and handles; the subject and every message and note."""
    try:
        handles = json.loads(handles_json or "{}")
    except ValueError:  # a damaged row must not stop the index (or a migration)
        handles = {}
    values = [str(value) for value in handles.values()] if isinstance(handles, dict) else []
    return (
        index_text(" ".join([name, *values])),
        index_text("\n".join([subject or "", *bodies])),
    )


def article_document(
    title: str, tags: list[str] | tuple[str, ...], body: str
) -> tuple[str, str, str]:
    """The ``title``, ``tags`` and ``body`` columns of a knowledge article's search document.

    Agents search in their language and customers' words arrive in theirs: callers put
    the Chinese title with the title, the per-language keywords with the tags (ranked
    alike) and the summaries with the body (see ``ArticleRepository``)."""
    return (
        index_text(title),
        index_text(" ".join(tags).replace("-", " ")),
        index_text(body),
    )


def _is_token_char(char: str) -> bool:
    # The classes the index keeps (letters, numbers, private use, symbols), and marks so
    # that a Devanagari or Thai word stays one word here (the tokenizer splits it the
    # same way in the query as in the document).
    return unicodedata.category(char)[0] in "LMNS" or unicodedata.category(char) == "Co"


def words(text: str) -> list[str]:
    """Split text, normalised, into words the way the index sees them (marks stay in
    their word; a word of marks alone, which the index drops, is left out)."""
    result: list[str] = []
    current: list[str] = []
    for char in normalize_for_match(text[:MAX_QUERY_CHARS]):
        if _is_token_char(char):
            current.append(char)
            continue
        if current:
            result.append("".join(current))
            current = []
    if current:
        result.append("".join(current))
    return [word for word in result if any(unicodedata.category(c)[0] != "M" for c in word)]


def phrase_or_word(word: str) -> tuple[str, bool]:
    """A word of :func:`words` as an FTS5 string, and whether it is a phrase of single
    characters (unspaced scripts, symbols) rather than one spaced-script word."""
    pieces = segment(word).split()
    if len(pieces) > 1 or has_unspaced_script(word):
        return '"' + " ".join(pieces) + '"', True
    return f'"{word}"', False


def is_blank(user_text: str) -> bool:
    """Whether the user typed nothing visible (spaces, zero-width characters): no search."""
    return not normalize_for_match(user_text).strip()


def match_expression(user_text: str) -> str | None:
    """Build a safe FTS5 MATCH expression from what the user typed, or None if nothing in
    it can be searched (only punctuation, say).

    Every word must match (AND). Words in unspaced scripts and symbols become character
    phrases; others become prefix queries once they are two characters long.
    """
    terms: list[str] = []
    for word in words(user_text):
        term, phrase = phrase_or_word(word)
        terms.append(term + ("*" if not phrase and len(word) >= 2 else ""))
    return " AND ".join(dict.fromkeys(terms)) if terms else None
