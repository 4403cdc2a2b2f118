"""Knowledge articles in the workspace store, with a full-text index.

Bundled articles are (re)loaded at start-up; server articles arrive through the
sync feed and win over a bundled article with the same id. Suggestions rank
articles by bm25 over title, tags and body for words taken from the open
conversation, then prefer the customer's region over global ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from app.knowledge.articles import Article
from app.storage.fts import article_document, match_expression, phrase_or_word, words
from app.storage.link import Link

if TYPE_CHECKING:  # pydantic: only where a server workspace syncs
    from app.contract import models as wire

_COLUMNS = (
    "uid, locale, region, title, body, tags, updated_at, version, overlays, overlay_mode,"
    " snippet, sources, origin, title_zh, summary_en, summary_zh, keywords, verified_at"
)


def _article(row: tuple[Any, ...]) -> Article:
    return Article(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        tuple(json.loads(row[5])),
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        tuple(tuple(pair) for pair in json.loads(row[11])),
        row[12],
        row[13],
        row[14],
        row[15],
        tuple(json.loads(row[16])),
        row[17],
    )


def _document(article: Article) -> tuple[str, str, str]:
    """Indexed in every language it carries: Chinese title, summaries, keywords."""
    return article_document(
        f"{article.title}\n{article.title_zh}",
        (*article.tags, *article.keywords),
        f"{article.summary_en}\n{article.summary_zh}\n{article.body}",
    )


def _digest(article: Article) -> str:
    """Every stored field in one hash: a bundled article edited without a new version or
    date (a Chinese summary added) is still re-stored and re-indexed."""
    return hashlib.sha256(repr(dataclasses.astuple(article)).encode("utf-8")).hexdigest()


def _region(region: str | None) -> str:
    """The server's region: None is global; anything but a country code or EU is global."""
    code = (region or "").strip()
    if code.upper() == "EU" or (len(code) == 2 and code.isalpha()):
        return code.upper()
    return "global"


class ArticleRepository:
    """Knowledge articles and their full-text index (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        """Store articles; a bundled one never replaces a server one. Returns rows written."""
        written = 0
        with self._link.transaction():
            for article in articles:
                row = self._conn.execute(
                    "SELECT id, origin, digest FROM articles WHERE uid = ?", (article.uid,)
                ).fetchone()
                digest = _digest(article)
                if row is not None:
                    if article.origin == "bundled" and row[1] == "server":
                        continue
                    if row[2] == digest:
                        continue  # unchanged: keep start-up cheap
                values = (
                    article.locale,
                    article.region,
                    article.title,
                    article.body,
                    json.dumps(list(article.tags), ensure_ascii=False),
                    article.updated_at,
                    article.version,
                    article.overlays,
                    article.overlay_mode,
                    article.snippet,
                    json.dumps([list(s) for s in article.sources], ensure_ascii=False),
                    article.origin,
                    article.title_zh,
                    article.summary_en,
                    article.summary_zh,
                    json.dumps(list(article.keywords), ensure_ascii=False),
                    article.verified_at,
                    digest,
                )
                if row is None:
                    cursor = self._conn.execute(
                        "INSERT INTO articles (locale, region, title, body, tags, updated_at,"
                        " version, overlays, overlay_mode, snippet, sources, origin, title_zh,"
                        " summary_en, summary_zh, keywords, verified_at, digest, uid)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, article.uid),
                    )
                    rowid = int(cursor.lastrowid or 0)
                else:
                    rowid = int(row[0])
                    self._conn.execute(
                        "UPDATE articles SET locale = ?, region = ?, title = ?, body = ?, tags = ?,"
                        " updated_at = ?, version = ?, overlays = ?, overlay_mode = ?, snippet = ?,"
                        " sources = ?, origin = ?, title_zh = ?, summary_en = ?, summary_zh = ?,"
                        " keywords = ?, verified_at = ?, digest = ? WHERE id = ?",
                        (*values, rowid),
                    )
                    self._conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (rowid,))
                self._conn.execute(
                    "INSERT INTO articles_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)",
                    (rowid, *_document(article)),
                )
                written += 1
        return written

    def remove_articles(self, uids: Iterable[str]) -> None:
        """Tombstones from the server feed (a bundled article of that id stays gone too)."""
        with self._link.transaction():
            for uid in uids:
                row = self._conn.execute("SELECT id FROM articles WHERE uid = ?", (uid,)).fetchone()
                if row is not None:
                    self._conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (row[0],))
                    self._conn.execute("DELETE FROM articles WHERE id = ?", (row[0],))

    def article(self, uid: str) -> Article | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE uid = ?", (uid,)
        ).fetchone()
        return _article(row) if row else None

    def overlays_of(self, uid: str, regions: Iterable[str]) -> list[Article]:
        """The regional overlays of a global article for these regions."""
        wanted = list(regions)
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE overlays = ? AND region IN ({marks})"
            " ORDER BY region",
            (uid, *wanted),
        )
        return [_article(r) for r in rows]

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(self, text: str, regions: Iterable[str], limit: int = 20) -> list[Article]:
        """What the agent typed, every word required, any region (the customer's first)."""
        expression = match_expression(text)
        if expression is None:
            return []
        return self._ranked(expression, list(regions), limit, restrict=False)

    def suggest(
        self, keywords: Iterable[str], regions: Iterable[str], limit: int = 5
    ) -> list[Article]:
        """Articles for a conversation: any of the keywords (OR), regional first, best bm25."""
        terms = []
        for keyword in keywords:
            for word in words(keyword):
                term, phrase = phrase_or_word(word)
                if phrase and len(word) > 1:  # Chinese, Japanese, Thai: the characters as a phrase
                    terms.append(term)
                elif not phrase and len(word) >= 3:  # "refund" also finds "refunds"
                    terms.append(term + "*")
        if not terms:
            return []
        expression = " OR ".join(dict.fromkeys(terms))
        return self._ranked(expression, list(regions), limit, restrict=True)

    def _ranked(
        self, expression: str, regions: list[str], limit: int, *, restrict: bool
    ) -> list[Article]:
        """bm25 (lower is better; title and tags weigh more than the body), minus a bonus for the
        customer's regions (3) and for global articles (1). ``restrict``: only those two."""
        marks = ", ".join("?" for _ in regions) or "NULL"
        where = f" AND (a.region = 'global' OR a.region IN ({marks}))" if restrict else ""
        rows = self._conn.execute(
            f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))}"
            " FROM articles_fts f JOIN articles a ON a.id = f.rowid"
            f" WHERE articles_fts MATCH ?{where}"
            " ORDER BY bm25(articles_fts, 10.0, 5.0, 1.0)"
            f" - CASE WHEN a.region IN ({marks}) THEN 3.0 WHEN a.region = 'global' THEN 1.0"
            " ELSE 0 END LIMIT ?",
            (expression, *(regions if restrict else []), *regions, limit),
        )
        return [_article(r) for r in rows]

    def apply_server_page(self, items: Iterable[wire.Article], deleted: Iterable[str]) -> int:
        """A page of the server's article feed: server articles win over bundled ones with the
        same id; tombstones remove. (Contract v1 articles carry no customer snippet.)"""
        articles = [
            Article(
                item.id,
                item.locale,
                _region(item.region),
                item.title,
                item.body_markdown,
                tuple(item.tags),
                item.updated_at,
                item.version,
                item.overlays,
                "extend",
                "",
                (),
                "server",
            )
            for item in items
        ]
        written = self.upsert_articles(articles)
        self.remove_articles(deleted)
        return written
