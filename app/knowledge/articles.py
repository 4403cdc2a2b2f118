"""Knowledge articles: Markdown files with YAML front matter, and their safe rendering.

An article is written for agents (``body``, Markdown) and carries a short
``snippet`` for customers that "Insert" puts into the reply. A global article may
have regional overlays that extend it (shown under it) or replace it for that
region: the "global framework + local modules" of the team's knowledge.

Rendering allows a small set of tags only: Markdown's own HTML is escaped,
``javascript:`` and other schemes are dropped, images become their alt text, so
an article can neither run code nor make the app fetch anything.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from app.domain.datafiles import DataFileError
from app.domain.lang import wants_chinese

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MAX_BODY_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Article:
    """One article, as stored and shown."""

    uid: str
    locale: str
    region: str
    title: str
    body: str
    tags: tuple[str, ...]
    updated_at: int
    version: int
    overlays: str | None = None
    overlay_mode: str = "extend"
    snippet: str = ""
    sources: tuple[tuple[str, str], ...] = ()
    origin: str = "bundled"  # bundled | server
    title_zh: str = ""  # the Chinese title (bundled articles); shown in a Chinese UI
    summary_en: str = ""  # for agents: what the article tells them to do
    summary_zh: str = ""
    keywords: tuple[str, ...] = ()  # search words in the languages agents and customers type
    verified_at: int | None = None  # when the facts were last checked against the sources

    def title_for(self, ui_language: str) -> str:
        """The title in the UI language where the article has one."""
        return self.title_zh if self.title_zh and wants_chinese(ui_language) else self.title

    def summary_for(self, ui_language: str) -> str:
        return (
            self.summary_zh if self.summary_zh and wants_chinese(ui_language) else self.summary_en
        )


def _midnight(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())


def parse_article(path: Path, text: str, context: dict[str, Any] | None = None) -> Article:
    """Parse one ``.md`` file; a problem raises DataFileError naming the file and line."""
    from pydantic import ValidationError

    from app.knowledge.article_schema import ArticleMeta

    if not text.startswith("---\n"):
        raise DataFileError(path, 1, "an article starts with YAML front matter between '---' lines")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise DataFileError(path, 1, "the front matter is not closed by a '---' line")
    try:
        raw: Any = yaml.load(text[4:end], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        raise DataFileError(path, line, f"YAML syntax error: {exc.problem}") from exc
    try:
        meta = ArticleMeta.model_validate(raw, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "front matter"
        raise DataFileError(path, 1, f"{where}: {first['msg']}") from exc
    if meta.id != path.stem:
        raise DataFileError(path, 1, f"the id '{meta.id}' differs from the file name")
    body = text[end + 5 :].strip()
    if len(body) > MAX_BODY_CHARS:
        raise DataFileError(path, None, f"the body is longer than {MAX_BODY_CHARS} characters")
    return Article(
        meta.id,
        meta.locale,
        meta.region,
        meta.title,
        body,
        tuple(meta.tags),
        _midnight(meta.updated),
        meta.version,
        meta.overlays,
        meta.overlay_mode,
        meta.snippet.strip(),
        tuple((s.title, s.url) for s in meta.sources),
        title_zh=meta.title_zh_CN or "",
        summary_en=meta.summary.en if meta.summary else "",
        summary_zh=meta.summary.zh_CN if meta.summary else "",
        keywords=tuple(dict.fromkeys(word for words in meta.keywords.values() for word in words)),
        verified_at=_midnight(meta.verified) if meta.verified else None,
    )


def load_articles(
    folder: Path, context: dict[str, Any] | None = None
) -> tuple[list[Article], list[DataFileError]]:
    """Every article in ``folder``; a broken file is named and the others still load."""
    articles: list[Article] = []
    errors: list[DataFileError] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            articles.append(parse_article(path, path.read_text(encoding="utf-8"), context))
        except DataFileError as error:
            errors.append(error)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(DataFileError(path, None, f"cannot be read: {exc}"))
    known = {a.uid for a in articles}
    for article in articles:
        if article.overlays and article.overlays not in known:
            errors.append(
                DataFileError(
                    folder / f"{article.uid}.md",
                    1,
                    f"overlays unknown article '{article.overlays}'",
                )
            )
    return articles, errors


ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
    "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

    def image(_renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        alt = "".join(child.content for child in tokens[idx].children or [])
        return html.escape(f"[{alt or 'image'}]")

    md.add_render_rule("image", image)
    return md


def render_markdown(text: str) -> str:
    """Markdown to an allow-listed HTML subset: no scripts, no images, https/mailto links."""
    import nh3

    rendered = _markdown().render(text)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "mailto"},
        link_rel=None,
    )
