"""Knowledge search in the agent's language and the customer's: each bundled article is
indexed with its Chinese title and summary and its keywords per language, so "退款",
"devolución", "استرداد" and "返品" find the articles an English word would."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.domain.models import MessageKind
from app.knowledge.articles import Article
from app.ops import inbox, knowledge
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation

ARTICLES = resources_dir() / "knowledge" / "articles"


@pytest.fixture
def library(repo: Store) -> Store:
    assert knowledge.load_bundled(repo, ARTICLES) == []
    return repo


def found(repo: Store, text: str, country: str | None = None) -> list[Article]:
    return [view.article for view in knowledge.search(repo, text, country)]


@pytest.mark.parametrize(
    ("query", "country", "tag"),
    [
        ("退款", None, "refunds"),  # Chinese: the agent's own word
        ("退货", "DE", "returns"),
        ("devolución", "ES", "returns"),  # Spanish, with its accent
        ("devolucion", "MX", "returns"),  # ... and typed without it
        ("reembolso", None, "refunds"),
        ("استرداد", "SA", "refunds"),  # Arabic
        ("الدفع عند الاستلام", "AE", "cash-on-delivery"),
        ("返品", "JP", "returns"),  # Japanese
        ("代金引換", None, "cash-on-delivery"),
    ],
)
def test_a_search_in_each_language_finds_the_topic(
    library: Store, query: str, country: str | None, tag: str
) -> None:
    results = found(library, query, country)
    assert results, query
    assert tag in results[0].tags or any(tag in a.tags for a in results[:3]), [
        (a.uid, a.tags) for a in results[:3]
    ]


def test_the_customer_region_comes_with_the_first_result_of_a_chinese_query(
    library: Store,
) -> None:
    """The global article first, with the customer's regional overlay attached to it."""
    (first, *_rest) = knowledge.search(library, "退货", "JP")
    assert "JP" in [first.article.region, *(o.region for o in first.overlays)]


def test_an_article_reads_in_chinese_for_a_chinese_agent(library: Store) -> None:
    (article, *_rest) = found(library, "货到付款", "SA")
    assert article.title_for("zh_CN") == article.title_zh != article.title
    assert article.summary_for("zh_CN") == article.summary_zh
    assert article.summary_for("en") == article.summary_en


def test_a_customer_writing_spanish_gets_the_returns_article_suggested(library: Store) -> None:
    cid = add_conversation(
        library,
        Conv(
            customer="Lucía Pérez",
            country="ES",
            language="es",
            timezone="Europe/Madrid",
            messages=[(MessageKind.CUSTOMER, "Quiero hacer una devolución del pedido.")],
        ),
        add_agents(library),
    )
    detail = inbox.conversation_detail(library, cid)
    suggested = [view.article for view in knowledge.suggest(library, detail)]
    assert any("returns" in a.tags for a in suggested[:3]), [a.uid for a in suggested]


def test_a_changed_bundled_article_is_reindexed_without_a_new_version(
    library: Store, tmp_path: Path
) -> None:
    """An edit that adds keywords but keeps the version and date still reaches the index."""
    source = ARTICLES / "returns-jp.md"
    text = source.read_text(encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("returns-consumer-rights-global.md", "returns-eu.md"):  # what it overlays
        (folder / name).write_bytes((ARTICLES / name).read_bytes())
    (folder / "returns-jp.md").write_text(
        text.replace("keywords:\n", "keywords:\n  fi: [palautusjapanissa]\n", 1), encoding="utf-8"
    )
    assert found(library, "palautusjapanissa") == []
    assert knowledge.load_bundled(library, folder) == []
    shown = [
        [view.article.uid, *(o.uid for o in view.overlays)]
        for view in knowledge.search(library, "palautusjapanissa", "JP")
    ]
    assert shown == [["returns-consumer-rights-global", "returns-jp"]]
