"""Knowledge articles: parsing, safe rendering, the store's search and suggestions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.domain.datafiles import DataFileError
from app.domain.models import MessageKind
from app.knowledge.articles import Article, load_articles, parse_article, render_markdown
from app.ops import inbox, knowledge
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation

BUNDLED = resources_dir() / "knowledge" / "articles"


def article(uid: str, region: str = "global", **changes: object) -> Article:
    base = Article(
        uid,
        "en",
        region,
        f"Title of {uid}",
        "Body text.",
        (),
        1_790_000_000,
        1,
        snippet=f"Snippet of {uid}.",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """---
id: {id}
locale: en
region: {region}
title: "Refunds {region}"
tags: [refunds, payments]
updated: 2026-11-20
version: 2
{extra}snippet: "Your refund is on its way."
---
## How it works

Refund **within 5 days**.
"""


def test_the_starter_library_loads_without_errors_and_covers_the_required_topics() -> None:
    articles, errors = load_articles(BUNDLED)
    assert errors == []
    assert len(articles) >= 30
    text = " ".join(f"{a.title} {' '.join(a.tags)} {a.body}".lower() for a in articles)
    for topic in (
        "pix", "boleto", "upi", "cash on delivery", "konbini", "ideal", "m-pesa", "alipay",
        "wechat pay", "gdpr", "lgpd", "pipl", "customs", "withdrawal",
    ):  # fmt: skip
        assert topic in text, topic
    assert {a.region for a in articles} >= {"global", "EU", "BR", "JP", "IN", "CN"}
    assert all(a.snippet for a in articles), "every article has text an agent can insert"
    by_id = {a.uid: a for a in articles}
    assert all(a.overlays in by_id for a in articles if a.overlays)


def test_an_article_file_is_parsed_with_its_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "refunds-br", GOOD.format(id="refunds-br", region="BR", extra=""))
    parsed = parse_article(path, path.read_text())
    assert (parsed.uid, parsed.region, parsed.version) == ("refunds-br", "BR", 2)
    assert parsed.tags == ("refunds", "payments")
    assert parsed.body.startswith("## How it works")
    assert parsed.snippet == "Your refund is on its way."


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("no front matter", "starts with YAML front matter"),
        ("---\nid: x\n", "not closed"),
        ("---\nid: [\n---\nbody", "YAML syntax error"),
        (GOOD.format(id="other-id", region="BR", extra=""), "differs from the file name"),
        (GOOD.format(id="bad-region", region="Brazil", extra=""), "region"),
    ],
)
def test_a_broken_article_is_named_and_the_others_still_load(
    tmp_path: Path, text: str, problem: str
) -> None:
    write(tmp_path, "fine-one", GOOD.format(id="fine-one", region="global", extra=""))
    bad = write(tmp_path, "bad-region" if "Brazil" in text else "broken", text)
    articles, errors = load_articles(tmp_path)
    assert [a.uid for a in articles] == ["fine-one"]
    assert len(errors) == 1 and isinstance(errors[0], DataFileError)
    assert errors[0].path == bad and problem in str(errors[0])


def test_an_overlay_of_an_unknown_article_is_reported(tmp_path: Path) -> None:
    extra = "overlays: nowhere-global\n"
    write(tmp_path, "refunds-jp", GOOD.format(id="refunds-jp", region="JP", extra=extra))
    _articles, errors = load_articles(tmp_path)
    assert ["overlays unknown article 'nowhere-global'" in str(e) for e in errors] == [True]


def test_markdown_renders_inert_html_scripts_links_and_remote_images() -> None:
    html = render_markdown(
        "# Title\n\n<script>alert(1)</script>\n\n<img src=https://evil.example/x.png>\n\n"
        "[click](javascript:alert(1)) [data](data:text/html,hi) [ok](https://example.com/a)\n\n"
        "![tracker](https://evil.example/pixel.gif)\n\n<iframe src=https://evil.example></iframe>"
    )
    assert "<h1>Title</h1>" in html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert 'href="https://example.com/a"' in html
    assert "data:text" not in html.replace("[data](data:text/html,hi)", "")
    assert "[tracker]" in html  # an image becomes its alt text: nothing is fetched


def test_a_server_article_overrides_the_bundled_one_and_bundled_never_overwrites_it(
    repo: Store,
) -> None:
    repo.articles.upsert_articles([article("returns-global", title="Bundled returns")])
    server = article("returns-global", title="Team returns policy", origin="server", version=5)
    repo.articles.upsert_articles([server])
    repo.articles.upsert_articles([article("returns-global", title="Bundled returns", version=9)])
    stored = repo.articles.article("returns-global")
    assert stored is not None and (stored.title, stored.origin) == ("Team returns policy", "server")
    assert [a.uid for a in repo.articles.search("team policy", [])] == ["returns-global"]
    assert repo.articles.search("bundled", []) == []  # the index follows the stored text


def test_search_matches_chinese_and_prefixes_and_ignores_fts_syntax(repo: Store) -> None:
    repo.articles.upsert_articles(
        [
            article("alipay-cn", "CN", title="支付宝和微信支付退款", body="退款原路返回。"),
            article("ideal-nl", "NL", title="iDEAL refunds", body="Refunds via bank transfer."),
        ],
    )
    assert [a.uid for a in repo.articles.search("退款", ["CN"])] == ["alipay-cn"]
    assert [a.uid for a in repo.articles.search("refu", [])] == ["ideal-nl"]
    assert repo.articles.search('NEAR( " OR *', []) == []


def test_suggestions_follow_the_conversation_and_prefer_the_customer_region(
    repo: Store,
) -> None:
    repo.articles.upsert_articles(
        [
            article("refunds-global", title="Refunds for any payment method", tags=("refunds",)),
            article(
                "refunds-br",
                "BR",
                title="Pix refunds in Brazil",
                tags=("refunds", "pix"),
                overlays="refunds-global",
                snippet="Seu reembolso via Pix...",
            ),
            article("refunds-jp", "JP", title="Konbini refunds", tags=("refunds", "konbini")),
            article("customs-global", title="Customs and duties", tags=("customs",)),
        ],
    )
    agents = add_agents(repo)
    cid = add_conversation(
        repo,
        Conv(
            customer="Ana",
            country="BR",
            language="pt-BR",
            tags=("refund",),
            messages=[(MessageKind.CUSTOMER, "Quero o reembolso do meu Pix")],
        ),
        agents,
    )
    views = knowledge.suggest(repo, inbox.conversation_detail(repo, cid))
    assert views, "a Pix refund conversation gets the refunds article"
    first = views[0]
    assert first.article.uid == "refunds-global"
    assert [o.uid for o in first.overlays] == ["refunds-br"]  # the Brazilian part comes along
    assert first.snippet == "Seu reembolso via Pix..."  # the regional text for the customer
    assert "Pix refunds in Brazil" in first.markdown
    assert all(v.article.uid != "refunds-jp" for v in views)  # not another country's article


def test_an_overlay_that_replaces_shows_only_the_regional_text(repo: Store) -> None:
    repo.articles.upsert_articles(
        [
            article("returns-global", body="Global returns."),
            article(
                "returns-eu",
                "EU",
                body="14 days to withdraw.",
                overlays="returns-global",
                overlay_mode="replace",
            ),
        ],
    )
    view = knowledge.view(repo, "returns-global", "DE")  # Germany is in the EU
    assert view is not None and view.markdown == "14 days to withdraw."
    other = knowledge.view(repo, "returns-global", "US")
    assert other is not None and other.markdown == "Global returns."


def test_article_search_is_normalised_like_the_inbox(repo: Store) -> None:
    repo.articles.upsert_articles(
        [
            article("paypal-global", title="Pay\u200bPal refunds", body="Via ＰａｙＰａｌ."),
            article("konbini-jp", "JP", title="ｺﾝﾋﾞﾆ払い", body="コンビニで支払う 🏪"),
            article("other", body="Nothing special."),
        ],
    )
    assert [a.uid for a in repo.articles.search("paypal", [])] == ["paypal-global"]
    assert [a.uid for a in repo.articles.search("ＰＡＹＰＡＬ", [])] == ["paypal-global"]
    assert [a.uid for a in repo.articles.search("コンビニ", [])] == ["konbini-jp"]
    assert [a.uid for a in repo.articles.search("🏪", [])] == ["konbini-jp"]
    assert repo.articles.search("?!", []) == []
    suggested = repo.articles.suggest(["ｺﾝﾋﾞﾆ"], ["JP"])
    assert [a.uid for a in suggested] == ["konbini-jp"]
