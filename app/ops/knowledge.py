"""Regional knowledge for the open conversation: load, suggest, search, read, insert.

Suggestions come from what the conversation is about (its tags, subject and the
customer's recent messages) and where the customer is (their country, and the EU
for member states); a global article with an overlay for that region shows the
overlay instead (``replace``) or both, global first (``extend``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.datafiles import DataFileError
from app.domain.models import ConversationDetail, MessageKind
from app.knowledge.articles import Article, load_articles
from app.storage.store import Store

# The EU's 27 member states (consumer and data-protection law shared: "EU" articles).
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905
)
RECENT_MESSAGES = 6
MAX_KEYWORDS = 40
# Words too common to say what a conversation is about (English; other languages'
# function words rarely match the English article library anyway).
STOP_WORDS = frozenset(
    """about above after again also because been before being below between both could
    does doing down during each from further have having here hers herself himself into
    itself just more most myself once only other ours ourselves over same should some
    such than that their theirs them themselves then there these they this those through
    under until very were what when where which while whom with would your yours
    yourself yourselves hello thanks thank please dear regards sorry still will want
    order""".split()  # noqa: SIM905
)


def regions_for(country: str | None) -> list[str]:
    """The regions whose articles apply to a customer in ``country``."""
    code = (country or "").upper()
    regions = [code] if len(code) == 2 and code.isalpha() else []
    if code in EU_MEMBERS:
        regions.append("EU")
    return regions


def load_bundled(repo: Store, folder: Path) -> list[DataFileError]:
    """Store lane, at start-up: bundled articles in (unchanged ones are skipped)."""
    articles, errors = load_articles(folder)
    repo.articles.upsert_articles(articles)
    return errors


def store_articles(repo: Store, articles: list[Article]) -> int:
    """Store lane: articles read and validated elsewhere; returns how many were written."""
    return repo.articles.upsert_articles(articles)


def keywords(detail: ConversationDetail) -> list[str]:
    """What the conversation is about: tags first, then subject and recent customer text."""
    found: list[str] = [tag.replace("-", " ") for tag in detail.row.tags]
    texts = [detail.row.subject or ""]
    customer = [m for m in detail.messages if m.kind is MessageKind.CUSTOMER]
    texts += [m.body for m in customer[-RECENT_MESSAGES:]]
    for text in texts:
        for word in text.replace("-", " ").split():
            cleaned = word.strip(".,;:!?¿¡()[]\"'“”«»").lower()
            if len(cleaned) >= 4 and cleaned not in STOP_WORDS and not cleaned.isdigit():
                found.append(cleaned)
    return list(dict.fromkeys(found))[:MAX_KEYWORDS]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as the reader shows it: the global text and the regional part."""

    article: Article
    overlays: tuple[Article, ...]

    @property
    def markdown(self) -> str:
        replaced = [o for o in self.overlays if o.overlay_mode == "replace"]
        if replaced:
            return replaced[0].body
        parts = [self.article.body]
        parts += [f"## {overlay.title}\n\n{overlay.body}" for overlay in self.overlays]
        return "\n\n".join(parts)

    @property
    def snippet(self) -> str:
        regional = [o.snippet for o in self.overlays if o.snippet]
        return regional[0] if regional else self.article.snippet


def _with_overlays(
    repo: Store, found: list[Article], regions: list[str], limit: int
) -> list[ArticleView]:
    views: list[ArticleView] = []
    seen: set[str] = set()
    for item in found:
        base = repo.articles.article(item.overlays) if item.overlays else item
        if base is None or base.uid in seen:
            continue
        seen.add(base.uid)
        overlays = repo.articles.overlays_of(base.uid, regions)
        seen.update(o.uid for o in overlays)
        views.append(ArticleView(base, tuple(overlays)))
        if len(views) >= limit:
            break
    return views


def suggest(repo: Store, detail: ConversationDetail, limit: int = 5) -> list[ArticleView]:
    """The articles most relevant to this conversation, for this customer's region."""
    regions = regions_for(detail.customer.country or detail.row.country)
    found = repo.articles.suggest(keywords(detail), regions, limit * 3)
    return _with_overlays(repo, found, regions, limit)


def search(repo: Store, text: str, country: str | None, limit: int = 20) -> list[ArticleView]:
    regions = regions_for(country)
    return _with_overlays(repo, repo.articles.search(text, regions, limit * 2), regions, limit)


def view(repo: Store, uid: str, country: str | None) -> ArticleView | None:
    found = repo.articles.article(uid)
    if found is None:
        return None
    views = _with_overlays(repo, [found], regions_for(country), 1)
    return views[0] if views else None
