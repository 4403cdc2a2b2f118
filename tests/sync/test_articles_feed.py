"""Knowledge articles arrive through the contract's feed: a server article overrides the
bundled one with the same id, a deletion removes it, and a backend without the feed still
syncs conversations."""

from __future__ import annotations

from app.config.paths import resources_dir
from app.ops import knowledge
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory, assert_syncs_without


def put_article(admin: Api, article_id: str, title: str) -> None:
    body = {
        "locale": "en",
        "region": "BR",
        "title": title,
        "body_markdown": "## Our Pix refunds\n\nRefunds go back to the same **Pix key**.",
        "tags": ["refunds", "pix"],
    }
    response = admin.http.put(
        f"/v1/admin/articles/{article_id}", json=body, headers={"Idempotency-Key": article_id}
    )
    assert response.status_code in (200, 201), response.text


def test_a_server_article_overrides_the_bundled_one_and_a_deletion_removes_it(
    admin: Api, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    desk.runner.store_call(
        lambda repo: knowledge.load_bundled(repo, resources_dir() / "knowledge" / "articles")
    )
    bundled_title = desk.query("SELECT title FROM articles WHERE uid = 'payments-br-pix-boleto'")
    assert bundled_title and bundled_title[0][0] != "Team policy: Pix refunds"

    put_article(admin, "payments-br-pix-boleto", "Team policy: Pix refunds")
    put_article(admin, "team-only-article", "Escalating a chargeback")
    desk.synced()
    rows = desk.query("SELECT uid, title, origin, region FROM articles WHERE origin = 'server'")
    assert sorted(rows) == [
        ("payments-br-pix-boleto", "Team policy: Pix refunds", "server", "BR"),
        ("team-only-article", "Escalating a chargeback", "server", "BR"),
    ]
    # Start-up reloads the bundled library: it never overwrites the server's article.
    desk.runner.store_call(
        lambda repo: knowledge.load_bundled(repo, resources_dir() / "knowledge" / "articles")
    )
    again = desk.query("SELECT title FROM articles WHERE uid = 'payments-br-pix-boleto'")
    assert again == [("Team policy: Pix refunds",)]
    found = desk.runner.store_call(lambda repo: knowledge.search(repo, "chargeback", "BR"))
    assert found[0].article.uid == "team-only-article"  # bundled ones mention chargebacks too

    deleted = admin.http.delete(
        "/v1/admin/articles/team-only-article", headers={"Idempotency-Key": "delete-it"}
    )
    assert deleted.status_code == 204, deleted.text
    desk.synced()
    assert desk.query("SELECT uid FROM articles WHERE uid = 'team-only-article'") == []


def test_a_backend_without_an_articles_feed_still_syncs(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    assert_syncs_without("/v1/articles/changes", admin, make_desk, make_proxy)
