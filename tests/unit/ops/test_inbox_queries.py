"""Inbox queries against a real SQLite file: every filter, search, and both sort orders."""

from __future__ import annotations

import pytest

from app.domain.filters import AssigneeFilter, InboxQuery, SlaFilter, SortOrder
from app.domain.models import Channel, MessageKind, Status
from app.ops import reply
from app.ops.reply import Reply
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation


def names(repo: Store, query: InboxQuery, me: int | None = None) -> list[str]:
    rows = repo.conversations.conversation_rows(
        list(repo.conversations.conversation_ids(query, me, NOW))
    )
    return [rows[cid].customer_name for cid in repo.conversations.conversation_ids(query, me, NOW)]


ALL = frozenset(Status)


def test_default_view_is_open_and_pending_sorted_by_sla(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    assert names(repo, InboxQuery()) == [
        "Ana Souza",  # breached 30 min ago
        "Carlos Pérez",  # due in 5 min
        "Yuki Tanaka",  # due in 20 min
        "Jonas Müller",  # due in 5 h
        "Fatima Al-Harbi",  # pending, no SLA: last
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (InboxQuery(statuses=frozenset({Status.RESOLVED})), {"Somchai Dee"}),
        (InboxQuery(statuses=frozenset({Status.SNOOZED})), {"Priya Sharma"}),
        (InboxQuery(statuses=ALL, channel=Channel.WHATSAPP), {"Ana Souza", "Fatima Al-Harbi"}),
        (InboxQuery(statuses=ALL, language="pt"), {"Ana Souza"}),
        (InboxQuery(statuses=ALL, language="en"), {"Priya Sharma"}),
        (InboxQuery(statuses=ALL, country="JP"), {"Yuki Tanaka"}),
        (InboxQuery(statuses=ALL, tag="gdpr"), {"Jonas Müller"}),
        (InboxQuery(sla=SlaFilter.BREACHED), {"Ana Souza"}),
        (InboxQuery(sla=SlaFilter.DUE_SOON), {"Carlos Pérez", "Yuki Tanaka"}),
        (
            InboxQuery(statuses=ALL, assignee=AssigneeFilter.UNASSIGNED),
            {"Jonas Müller", "Somchai Dee", "Priya Sharma", "Carlos Pérez"},
        ),
        (InboxQuery(statuses=ALL, channel=Channel.WHATSAPP, country="SA"), {"Fatima Al-Harbi"}),
    ],
)
def test_filters(
    repo: Store, standard_inbox: dict[str, int], query: InboxQuery, expected: set[str]
) -> None:
    assert set(names(repo, query)) == expected


def test_assigned_to_me_and_to_a_colleague(repo: Store, standard_inbox: dict[str, int]) -> None:
    me = repo.conversations.agent_by_uid("me")
    colleague = repo.conversations.agent_by_uid("colleague")
    assert me is not None and colleague is not None
    mine = InboxQuery(statuses=ALL, assignee=AssigneeFilter.ME)
    assert set(names(repo, mine, me.id)) == {"Ana Souza", "Fatima Al-Harbi"}
    theirs = InboxQuery(statuses=ALL, assignee=colleague.id)
    assert names(repo, theirs, me.id) == ["Yuki Tanaka"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parcelar", {"Ana Souza"}),  # message text, Portuguese
        ("返金", {"Yuki Tanaka"}),  # Japanese, no spaces
        ("法务", {"Jonas Müller"}),  # internal notes are searchable too
        ("muller", {"Jonas Müller"}),  # customer name, without the umlaut
        ("Löschung", {"Jonas Müller"}),  # subject
        ("LM-2026-1001", {"Fatima Al-Harbi"}),  # order number inside Arabic text
        ("ขอบคุณ", {"Somchai Dee"}),  # Thai
        ("needful refund", {"Priya Sharma"}),
        ("nothing-matches-this", set()),
    ],
)
def test_search_finds_messages_notes_subjects_and_names(
    repo: Store, standard_inbox: dict[str, int], text: str, expected: set[str]
) -> None:
    assert set(names(repo, InboxQuery(statuses=ALL, search=text))) == expected


def test_search_combines_with_filters(repo: Store, standard_inbox: dict[str, int]) -> None:
    query = InboxQuery(statuses=ALL, search="refund", channel=Channel.SMS)
    assert names(repo, query) == ["Priya Sharma"]
    assert names(repo, query.with_(channel=Channel.EMAIL)) == []


def test_sort_by_last_activity(repo: Store, standard_inbox: dict[str, int]) -> None:
    me = repo.conversations.agent_by_uid("me")
    assert me is not None
    reply.send(
        repo, standard_inbox["Jonas Müller"], Reply(MessageKind.AGENT, "Erledigt."), me.id, NOW + 60
    )
    ordered = names(repo, InboxQuery(statuses=ALL, sort=SortOrder.LAST_ACTIVITY))
    assert ordered[0] == "Jonas Müller"


def test_new_messages_update_the_search_index(repo: Store, standard_inbox: dict[str, int]) -> None:
    cid = standard_inbox["Carlos Pérez"]
    assert names(repo, InboxQuery(search="aguacate")) == []
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Y también quiero un aguacate", NOW)
    assert names(repo, InboxQuery(search="aguacate")) == ["Carlos Pérez"]


def _normalisation_inbox(repo: Store) -> None:
    agents = add_agents(repo)
    for customer, body in [
        ("Zed Zero", "Please let me pay with pay\u200bpal"),  # zero-width space
        ("Wendy Wide", "Order ＬＭ-２０２６-５５ has not arrived"),  # full-width
        ("ｻｸﾗ ﾀﾅｶ", "注文はまだですか"),  # half-width katakana name
        ("Emma Emoji", "Thanks so much🙏"),
        ("Bob Box", "📦 arrived, all good"),
    ]:
        add_conversation(
            repo, Conv(customer=customer, messages=[(MessageKind.CUSTOMER, body)]), agents
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paypal", {"Zed Zero"}),
        ("LM-2026-55", {"Wendy Wide"}),
        ("ＬＭ-２０２６", {"Wendy Wide"}),
        ("サクラ", {"ｻｸﾗ ﾀﾅｶ"}),
        ("ｻｸﾗ", {"ｻｸﾗ ﾀﾅｶ"}),
        ("🙏", {"Emma Emoji"}),  # an emoji-only search finds the messages with it...
        ("📦", {"Bob Box"}),
        ("🚀", set()),  # ...and nothing when none has it, rather than everything
        ("?!…", set()),  # nothing searchable: no conversation, not every one
    ],
)
def test_search_is_normalised_and_finds_emoji(repo: Store, text: str, expected: set[str]) -> None:
    _normalisation_inbox(repo)
    query = InboxQuery(statuses=ALL, search=text)
    assert set(names(repo, query)) == expected
    assert repo.conversations.first_page(query, None, NOW, 50)[0] == len(expected)


@pytest.mark.parametrize("blank", ["", "   ", "\u200b", "\ufeff\u200d"])
def test_an_invisible_search_is_no_search(repo: Store, blank: str) -> None:
    _normalisation_inbox(repo)
    assert len(names(repo, InboxQuery(statuses=ALL, search=blank))) == 5


def test_a_search_after_a_punctuation_search_is_fresh(repo: Store) -> None:
    _normalisation_inbox(repo)
    assert names(repo, InboxQuery(statuses=ALL, search="?")) == []
    assert names(repo, InboxQuery(statuses=ALL, search="paypal")) == ["Zed Zero"]
    assert names(repo, InboxQuery(statuses=ALL, search="!")) == []
