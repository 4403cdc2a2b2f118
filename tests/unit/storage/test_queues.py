"""Queue counts, saved views and the saved filters' JSON, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.filters import (
    AssigneeFilter,
    FilterFormatError,
    InboxQuery,
    SlaFilter,
    SortOrder,
    query_from_json,
    query_to_json,
)
from app.domain.models import Agent, Channel, MessageKind, Status
from app.ops import inbox, queues
from app.ops.matches import search_matches
from app.storage.saved_views import MAX_NAME_CHARS, SavedViewError
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_conversation


def me_and_colleague(repo: Store) -> tuple[int, Agent]:
    """The agent signed in on this desk and the standard inbox's other agent."""
    me = inbox.workspace_info(repo, "t", "").me_id
    colleague = repo.conversations.agent_by_uid("colleague")
    assert me is not None and colleague is not None
    return me, colleague


def counts(repo: Store, me: int) -> dict[str, int]:
    c = queues.counts(repo, me, NOW)
    return {k: getattr(c, k) for k in c.__slots__}  # type: ignore[attr-defined]


def test_counts_match_what_each_queue_lists(repo: Store, standard_inbox: dict[str, int]) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    assert me is not None
    got = counts(repo, me)
    # Standard inbox (open/pending): Ana (me, overdue), Yuki (colleague, 20 min), Jonas (none,
    # 5 h), Fatima (me, pending, no SLA), Carlos (none, 5 min). Somchai resolved, Priya snoozed.
    assert got == {
        "all": 5,
        "mine": 2,
        "unassigned": 2,
        "breached": 1,
        "due_soon": 2,
        "held": 0,
        "held_for_me": 0,
        "mentions": 0,
    }
    # Every count is the number of rows its queue's query lists.
    for key, query in {
        "mine": InboxQuery(assignee=AssigneeFilter.ME),
        "unassigned": InboxQuery(assignee=AssigneeFilter.UNASSIGNED),
        "breached": InboxQuery(sla=SlaFilter.BREACHED),
        "due_soon": InboxQuery(sla=SlaFilter.DUE_SOON),
        "all": InboxQuery(),
    }.items():
        assert inbox.load_page(repo, query, me, NOW).count == got[key], key


def test_held_and_mentions_queues_count_any_status_and_only_mine(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    assert me is not None
    somchai, jonas = standard_inbox["Somchai Dee"], standard_inbox["Jonas Müller"]
    with repo.transaction():  # a held reply in a RESOLVED conversation still needs translating
        repo.messages.add_message(somchai, MessageKind.AGENT, "ขอบคุณ", NOW, held=True)
        repo.messages.add_message(somchai, MessageKind.AGENT, "อีกครั้ง", NOW + 1, held=True)
        note = repo.messages.add_message(jonas, MessageKind.NOTE, "@me look", NOW)
        colleague = repo.conversations.agent_by_uid("colleague")
        assert colleague is not None
        repo.mentions.add(note, jonas, [me, colleague.id])
    got = counts(repo, me)
    assert (got["held"], got["mentions"]) == (1, 1)  # one conversation each
    held = inbox.load_page(repo, InboxQuery(statuses=frozenset(Status), held=True), me, NOW)
    assert list(held.ids) == [somchai]
    mentioned = InboxQuery(statuses=frozenset(Status), mentioned=True)
    assert list(inbox.load_page(repo, mentioned, me, NOW).ids) == [jonas]
    repo.mentions.mark_seen(jonas, me, NOW)
    assert counts(repo, me)["mentions"] == 0
    assert inbox.load_page(repo, mentioned, me, NOW).count == 0
    assert counts(repo, colleague.id)["mentions"] == 1  # theirs is still unseen


def test_breached_and_due_move_with_the_clock(repo: Store, standard_inbox: dict[str, int]) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    later = queues.counts(repo, me, NOW + 400)  # Carlos's 5 minutes have passed
    assert (later.breached, later.due_soon) == (2, 1)


def test_filters_survive_a_round_trip_through_json() -> None:
    query = InboxQuery(
        statuses=frozenset({Status.RESOLVED}),
        channel=Channel.LINE,
        language="ja",
        country="JP",
        assignee=7,
        sla=SlaFilter.DUE_SOON,
        tag="vip",
        search="LM-2026 退款",
        sort=SortOrder.LAST_ACTIVITY,
        held=True,
        mentioned=False,
        held_for_me=True,
    )
    assert query_from_json(query_to_json(query)) == query
    assert query_from_json(query_to_json(InboxQuery())) == InboxQuery()


def test_a_view_saved_before_held_for_me_existed_still_loads() -> None:
    old = (
        '{"assignee": "all", "channel": null, "country": null, "held": true, "language": null,'
        ' "mentioned": false, "search": "", "sla": "any", "sort": "sla_due",'
        ' "statuses": ["open", "pending", "resolved", "snoozed"], "tag": null, "v": 1}'
    )
    query = query_from_json(old)
    assert query.held and not query.held_for_me
    assert '"held_for_me": true' in query_to_json(query.with_(held_for_me=True))
    with pytest.raises(FilterFormatError, match="held_for_me"):
        query_from_json(old.replace('"v": 1', '"v": 1, "held_for_me": 1'))


def test_held_for_me_counts_and_lists_only_the_replies_given_to_me(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    me, colleague = me_and_colleague(repo)
    somchai, ana, yuki = (standard_inbox[n] for n in ("Somchai Dee", "Ana Souza", "Yuki Tanaka"))
    with repo.transaction():
        mine_1 = repo.messages.add_message(somchai, MessageKind.AGENT, "ขอบคุณ", NOW, held=True)
        mine_2 = repo.messages.add_message(somchai, MessageKind.AGENT, "อีก", NOW + 1, held=True)
        theirs = repo.messages.add_message(ana, MessageKind.AGENT, "Obrigado", NOW, held=True)
        repo.messages.add_message(yuki, MessageKind.AGENT, "ありがとう", NOW, held=True)  # anyone's
    repo.held.assign(mine_1, me)
    repo.held.assign(mine_2, me)  # two replies, one conversation
    repo.held.assign(theirs, colleague.id)
    got = counts(repo, me)
    assert (got["held"], got["held_for_me"]) == (3, 1)
    assert counts(repo, colleague.id)["held_for_me"] == 1
    for_me = InboxQuery(statuses=frozenset(Status), held_for_me=True)
    page = inbox.load_page(repo, for_me, me, NOW)
    assert (page.count, list(page.ids)) == (1, [somchai])  # resolved, still listed
    assert list(inbox.load_page(repo, for_me, colleague.id, NOW).ids) == [ana]
    # Given back to anyone: off my row at once (the count is not a stale cache).
    repo.held.assign(mine_1, None)
    repo.held.assign(mine_2, None)
    assert counts(repo, me)["held_for_me"] == 0
    assert inbox.load_page(repo, for_me, me, NOW).count == 0


def test_counts_read_after_a_write_never_come_from_before_it(
    repo: Store, standard_inbox: dict[str, int], store_path: Path
) -> None:
    """The time-independent counts are kept between writes: every kind of write (and a
    commit from another connection) must make them be read again."""
    me = inbox.workspace_info(repo, "t", "").me_id
    assert me is not None
    before = counts(repo, me)
    assert counts(repo, me) == before  # nothing written: the same
    inbox.assign(repo, standard_inbox["Jonas Müller"], me, NOW)
    after = counts(repo, me)
    assert (after["mine"], after["unassigned"]) == (before["mine"] + 1, before["unassigned"] - 1)
    inbox.set_status(repo, standard_inbox["Jonas Müller"], Status.RESOLVED, NOW)
    assert counts(repo, me)["all"] == before["all"] - 1
    # Another process (a second CrossDesk on the same file) commits a change.
    other = Store.open(store_path, create=False)
    try:
        inbox.set_status(other, standard_inbox["Jonas Müller"], Status.OPEN, NOW)
    finally:
        other.close()
    assert counts(repo, me)["all"] == before["all"]
    # Counted inside a transaction that is then rolled back: not kept.
    with pytest.raises(RuntimeError), repo.transaction():
        inbox.assign(repo, standard_inbox["Jonas Müller"], None, NOW)
        assert counts(repo, me)["unassigned"] == before["unassigned"]
        raise RuntimeError("undone")
    assert counts(repo, me)["unassigned"] == before["unassigned"] - 1


def test_breached_is_exact_counted_from_either_side_of_now(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    """Breached is counted from whichever side of "now" held fewer deadlines last time;
    both sides give the number the Breached queue lists."""
    me = inbox.workspace_info(repo, "t", "").me_id
    breached = InboxQuery(sla=SlaFilter.BREACHED)
    for now in (NOW, NOW + 400, NOW + 10 * 3600, NOW - 10 * 3600, NOW + 400, NOW):
        for _twice in range(2):  # the second read counts from the other side
            got = queues.counts(repo, me, now)
            assert got.breached == inbox.load_page(repo, breached, me, now).count, now
            due = inbox.load_page(repo, InboxQuery(sla=SlaFilter.DUE_SOON), me, now).count
            assert got.due_soon == due


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "The saved filters are damaged"),
        ("[]", "The saved filters are damaged"),
        ('{"v": 99, "statuses": ["open"]}', "another version"),
        ('{"v": 1, "statuses": ["open"], "colour": "red"}', "Unknown filter “colour”"),
        ('{"v": 1, "statuses": ["closed"]}', "“statuses” is not a valid value"),
        ('{"v": 1, "statuses": []}', "“statuses” is not a valid value"),
        ('{"v": 1, "statuses": ["open"], "channel": "pigeon"}', "“channel”"),
        ('{"v": 1, "statuses": ["open"], "assignee": true}', "“assignee”"),
        ('{"v": 1, "statuses": ["open"], "held": "yes"}', "“held”"),
        ('{"v": 1, "statuses": ["open"], "tag": 5}', "“tag”"),
        ('{"v": 1, "statuses": ["open"], "search": "' + "x" * 501 + '"}', "“search”"),
        ("x" * 5000, "too large"),
    ],
)
def test_broken_or_unknown_filters_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(FilterFormatError) as caught:
        query_from_json(text)
    assert message in str(caught.value)


def test_saved_views_are_per_agent_named_renamed_and_deleted(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    me, colleague = me_and_colleague(repo)
    mine = InboxQuery(assignee=AssigneeFilter.ME, tag="gdpr")
    first = queues.save_view(repo, me, "  GDPR\nmine ", mine, NOW)
    queues.save_view(repo, colleague.id, "GDPR mine", InboxQuery(), NOW)  # same name, theirs
    views = queues.saved_views(repo, me)
    assert [(v.name, v.query) for v in views] == [("GDPR mine", mine)]
    # Saving under an existing name replaces that view's filters (no duplicate).
    assert queues.save_view(repo, me, "GDPR mine", InboxQuery(tag="gdpr"), NOW) == first
    assert queues.saved_views(repo, me)[0].query == InboxQuery(tag="gdpr")
    second = queues.save_view(repo, me, "Japan", InboxQuery(country="JP"), NOW)
    with pytest.raises(SavedViewError, match="already have a view named"):
        queues.rename_view(repo, me, second, "GDPR mine", NOW)
    with pytest.raises(SavedViewError, match="needs a name"):
        queues.save_view(repo, me, " \u3000 ", InboxQuery(), NOW)
    with pytest.raises(SavedViewError, match="at most"):
        queues.save_view(repo, me, "x" * (MAX_NAME_CHARS + 1), InboxQuery(), NOW)
    queues.rename_view(repo, me, second, "日本", NOW)
    queues.delete_view(repo, colleague.id, second)  # not theirs: nothing happens
    assert [v.name for v in queues.saved_views(repo, me)] == ["GDPR mine", "日本"]
    queues.delete_view(repo, me, first)
    assert [v.name for v in queues.saved_views(repo, me)] == ["日本"]
    assert [v.name for v in queues.saved_views(repo, colleague.id)] == ["GDPR mine"]


def test_a_damaged_saved_view_is_listed_with_its_problem_not_a_crash(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    repo.saved_views.save(me, "Broken", '{"v": 1, "statuses": ["open"], "future": 1}', NOW)
    repo.saved_views.save(me, "Fine", query_to_json(InboxQuery(tag="vip")), NOW)
    broken, fine = queues.saved_views(repo, me)
    assert broken.query is None and "Unknown filter" in str(broken.problem)
    assert fine.query == InboxQuery(tag="vip") and fine.problem is None


def test_a_search_result_shows_where_it_matched(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    cid = add_conversation(
        repo,
        Conv(
            customer="Zoe",
            messages=[
                (MessageKind.CUSTOMER, "First: my ORDER LM-2026-77 is late"),
                (MessageKind.CUSTOMER, "Any news?\u202e<b>evil</b>"),
            ],
        ),
        {},
    )
    found = search_matches(repo, [cid, standard_inbox["Ana Souza"]], "order lm-2026")
    match = found[cid]
    assert [match.text[s:e] for s, e in match.spans] == ["ORDER", "LM", "2026"]
    assert standard_inbox["Ana Souza"] not in found
    other = search_matches(repo, [cid], "evil")[cid]
    assert "\u202e" not in other.text and other.text[slice(*other.spans[0])] == "evil"
