"""Feed pages built once for many identical reads (app/server/feed_cache.py), and never
served once the state they show has moved on."""

from __future__ import annotations

from app.server.feed_cache import FeedPageCache
from tests.server.conftest import ServerFactory


def test_identical_reads_share_one_page_and_a_write_makes_a_new_one(
    start_server: ServerFactory,
) -> None:
    server, api = start_server()
    assert api.inbound(body="first").status_code == 201
    cache = server.state.feed_pages
    first = api.get("/v1/messages/changes", params={"limit": 50})
    cursor = first.json()["next_cursor"]
    readers = [api.get("/v1/messages/changes", params={"cursor": cursor}) for _ in range(5)]
    assert all(r.status_code == 200 and r.json()["items"] == [] for r in readers)
    assert len({r.text for r in readers}) == 1
    assert cache.hits >= 4  # five readers at one position: one page built

    assert api.inbound(body="second").status_code == 201
    after = api.get("/v1/messages/changes", params={"cursor": cursor})
    assert [m["body"] for m in after.json()["items"]] == ["second"]
    # The same cursor read again at the new state is the new page, not the old one.
    again = api.get("/v1/messages/changes", params={"cursor": cursor})
    assert again.json()["items"] == after.json()["items"]


def test_a_page_is_served_only_at_the_counter_it_was_built_at() -> None:
    cache = FeedPageCache()
    key = ("messages", "c", 100, "e", 0)
    cache.put(key, 7, '{"items":[]}')
    assert cache.get(key, 7) == '{"items":[]}'
    assert cache.get(key, 8) is None
    assert cache.get(("messages", "c", 50, "e", 0), 7) is None  # another limit


def test_the_cache_stays_within_its_bounds() -> None:
    cache = FeedPageCache(max_entries=3, max_bytes=1000)
    for n in range(10):
        cache.put(("messages", str(n), 100, "e", 0), 1, "x" * 100)
    assert len(cache) == 3
    assert cache.get(("messages", "0", 100, "e", 0), 1) is None  # oldest went first
    cache.put(("messages", "big", 100, "e", 0), 1, "x" * 400)  # over a quarter: not kept
    assert cache.get(("messages", "big", 100, "e", 0), 1) is None
    small = FeedPageCache(max_entries=100, max_bytes=1000)
    for n in range(20):
        small.put(("messages", str(n), 100, "e", 0), 1, "y" * 200)
    assert len(small) <= 5
