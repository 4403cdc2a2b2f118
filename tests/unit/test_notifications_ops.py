"""What the agent is notified of (app.ops.notifications), on a real SQLite store: new
customer messages and assignments in *my* conversations, SLA warnings once, a held reply a
colleague translated; never my own actions, the conversation I am looking at, or history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.paths import translations_dir
from app.config.settings import Settings, load_settings, quiet_minutes
from app.domain.models import MessageKind, Status
from app.i18n import I18n
from app.ops import inbox, reply
from app.ops.notifications import (
    MAX_SINGLE,
    SLA_WARNING_SECONDS,
    Batch,
    Kind,
    Notifier,
    Preferences,
    in_quiet_hours,
    local_minute,
)
from app.ops.reply import Reply, ReplyDraft
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation

I18N = I18n("en", translations_dir())
ALL = Preferences()


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    ids = add_agents(repo)
    repo.outbox.set_cursor("messages", "c-1", NOW)  # a workspace that has synced before
    return ids


def check(notifier: Notifier, repo: Store, prefs: Preferences = ALL, **kw: object) -> Batch:
    now = kw.pop("now", NOW)
    assert isinstance(now, int)
    return notifier.check(repo, I18N, prefs, now, **kw)  # type: ignore[arg-type]


def customer_writes(repo: Store, cid: int, body: str, at: int = NOW) -> None:
    repo.messages.add_message(cid, MessageKind.CUSTOMER, body, at)


def started(repo: Store) -> Notifier:
    """A notifier that took its baseline: what the store holds now is history."""
    notifier = Notifier()
    assert check(notifier, repo).notifications == ()
    return notifier


def test_a_customer_message_in_my_conversation_is_notified_with_name_and_plain_preview(
    repo: Store, agents: dict[str, int]
) -> None:
    mine = add_conversation(repo, Conv(customer="Ana <i>Souza</i>", assignee="me"), agents)
    theirs = add_conversation(repo, Conv(customer="Yuki", assignee="colleague"), agents)
    notifier = started(repo)
    customer_writes(repo, mine, "<b>x</b> where is\nmy order? " + "long " * 100)
    customer_writes(repo, theirs, "Not yours")
    batch = check(notifier, repo)
    assert [(n.kind, n.conversation_id) for n in batch.notifications] == [(Kind.MESSAGE, mine)]
    note = batch.notifications[0]
    assert note.title == "New message from Ana <i>Souza</i>"
    assert note.body.startswith("<b>x</b> where is my order?")  # one line, text as written
    assert len(note.body) == 141 and note.body.endswith("…")  # 140 characters and "…"
    assert batch.unread == 2  # the builder's one unread + the new one (mine only)
    assert check(notifier, repo).notifications == ()  # told once


def test_my_own_reply_and_notes_are_never_notified(repo: Store, agents: dict[str, int]) -> None:
    mine = add_conversation(repo, Conv(assignee="me"), agents)
    notifier = started(repo)
    reply.send(repo, mine, Reply(MessageKind.AGENT, "On its way"), agents["me"], NOW)
    repo.messages.add_message(mine, MessageKind.NOTE, "a note", NOW, author_agent_id=agents["me"])
    assert check(notifier, repo).notifications == ()


def test_not_for_the_conversation_i_am_looking_at_and_not_later_either(
    repo: Store, agents: dict[str, int]
) -> None:
    mine = add_conversation(repo, Conv(assignee="me"), agents)
    notifier = started(repo)
    customer_writes(repo, mine, "Are you there?")
    assert check(notifier, repo, looking_at=mine).notifications == ()
    assert check(notifier, repo).notifications == ()  # the watermark moved past it


def test_the_first_sync_of_a_new_workspace_is_history(repo: Store) -> None:
    agents = add_agents(repo)  # no feed cursor yet: this workspace never synced
    notifier = Notifier()
    assert check(notifier, repo).notifications == ()  # before the first sync
    for n in range(30):  # the snapshot arrives
        cid = add_conversation(repo, Conv(customer=f"Customer {n}", assignee="me"), agents)
        customer_writes(repo, cid, f"old message {n}")
    assert check(notifier, repo).notifications == ()  # a timer check mid-snapshot
    assert check(notifier, repo, synced=True).notifications == ()  # the sync went through
    customer_writes(repo, cid, "Now this is new")
    batch = check(notifier, repo)
    assert [n.body for n in batch.notifications] == ["Now this is new"]


def test_an_assignment_by_someone_else_is_notified_my_own_is_not(
    repo: Store, agents: dict[str, int]
) -> None:
    routed = add_conversation(repo, Conv(customer="Routed Rita"), agents)
    taken = add_conversation(repo, Conv(customer="Taken Tom"), agents)
    notifier = started(repo)
    repo.conversations.assign(routed, agents["me"], NOW)  # what a sync stores: no local event
    inbox.assign(repo, taken, agents["me"], NOW)  # I assign it to myself
    customer_writes(repo, routed, "Hello again")
    batch = check(notifier, repo)
    assert [(n.kind, n.conversation_id) for n in batch.notifications] == [(Kind.ASSIGNED, routed)]
    assert batch.notifications[0].title == "Assigned to you: Routed Rita"
    assert batch.notifications[0].body == "Hello again"  # its message goes with it, once
    # Taken away and given back by a colleague: news again.
    repo.conversations.assign(taken, agents["colleague"], NOW)
    assert check(notifier, repo).notifications == ()
    repo.conversations.assign(taken, agents["me"], NOW)
    assert [n.conversation_id for n in check(notifier, repo).notifications] == [taken]


def test_a_burst_is_coalesced_into_one_summary(repo: Store, agents: dict[str, int]) -> None:
    cids = [
        add_conversation(repo, Conv(customer=f"Customer {n}", assignee="me"), agents)
        for n in range(5)
    ]
    notifier = started(repo)
    for cid in cids:
        customer_writes(repo, cid, "Hi")
    customer_writes(repo, cids[0], "Hi again")
    batch = check(notifier, repo)
    assert len(batch.notifications) == 1
    summary = batch.notifications[0]
    assert summary.title == "6 new messages from 5 customers"
    assert summary.conversation_id == cids[0]  # the newest message's conversation
    assert summary.body == "Customer 0, Customer 4, Customer 3 and 2 others"


def test_a_few_messages_of_one_customer_make_one_notification(
    repo: Store, agents: dict[str, int]
) -> None:
    cid = add_conversation(repo, Conv(customer="Ana", assignee="me"), agents)
    notifier = started(repo)
    for text in ("one", "two", "three"):
        customer_writes(repo, cid, text)
    batch = check(notifier, repo)
    assert [(n.title, n.body) for n in batch.notifications] == [
        ("3 new messages from Ana", "three")
    ]
    assert MAX_SINGLE == 3


def test_quiet_hours_silence_but_the_unread_count_still_rises(
    repo: Store, agents: dict[str, int]
) -> None:
    cid = add_conversation(repo, Conv(assignee="me"), agents)
    notifier = started(repo)
    minute = local_minute(NOW)
    quiet = Preferences(quiet=((minute - 30) % 1440, (minute + 30) % 1440))
    before = check(notifier, repo, quiet).unread
    customer_writes(repo, cid, "At night")
    batch = check(notifier, repo, quiet)
    assert batch.notifications == () and batch.silenced == 1
    assert batch.unread == before + 1
    assert check(notifier, repo).notifications == ()  # no flood when the quiet hours end


def test_quiet_hours_across_midnight() -> None:
    night = quiet_minutes("22:00-07:00")
    assert night == (1320, 420)
    assert in_quiet_hours(night, 23 * 60) and in_quiet_hours(night, 3 * 60)
    assert not in_quiet_hours(night, 7 * 60) and not in_quiet_hours(night, 12 * 60)
    assert in_quiet_hours((9 * 60, 17 * 60), 9 * 60) and not in_quiet_hours((540, 1020), 1020)
    assert quiet_minutes("08:00-08:00") is None and quiet_minutes("8-9") is None


def test_a_kind_switched_off_is_not_notified(repo: Store, agents: dict[str, int]) -> None:
    cid = add_conversation(repo, Conv(assignee="me"), agents)
    other = add_conversation(repo, Conv(customer="Newly Mine"), agents)
    notifier = started(repo)
    prefs = Preferences.from_settings(Settings(notify_messages=False))
    customer_writes(repo, cid, "Hello?")
    repo.conversations.assign(other, agents["me"], NOW)
    batch = check(notifier, repo, prefs)
    assert [n.kind for n in batch.notifications] == [Kind.ASSIGNED]
    assert batch.silenced == 1


def test_an_sla_warning_is_given_once_per_conversation_and_due_time(
    repo: Store, agents: dict[str, int]
) -> None:
    soon = add_conversation(repo, Conv(customer="Soon Sara", assignee="me", sla_in=600), agents)
    add_conversation(repo, Conv(customer="Not mine", assignee="colleague", sla_in=200), agents)
    notifier = started(repo)
    later = NOW + 600 - SLA_WARNING_SECONDS + 60  # four minutes before it ends
    batch = check(notifier, repo, now=later)
    assert [(n.kind, n.conversation_id) for n in batch.notifications] == [(Kind.SLA, soon)]
    assert batch.notifications[0].title == "SLA ends in 4m: Soon Sara"
    assert check(notifier, repo, now=later + 60).notifications == ()
    repo.conversations.set_import_state(  # answered, then the customer wrote again: a new SLA
        soon, status=Status.OPEN, snoozed_until=None, sla_due_at=later + 120, unread=1
    )
    assert [n.kind for n in check(notifier, repo, now=later + 60).notifications] == [Kind.SLA]


def test_a_held_reply_translated_by_a_colleague_is_notified(
    repo: Store, agents: dict[str, int]
) -> None:
    mine = add_conversation(repo, Conv(customer="María", assignee="me", language="es"), agents)
    notifier = started(repo)
    draft = ReplyDraft("en", True)
    reply.send(repo, mine, draft.held("We refund you.", "es"), agents["me"], NOW)
    assert check(notifier, repo).notifications == ()  # holding it is my own action
    held_reply = repo.messages.messages(mine)[-1]
    reply.release_held(repo, held_reply, "Le reembolsamos.", agents["colleague"], NOW)
    batch = check(notifier, repo)
    assert [(n.kind, n.title, n.body) for n in batch.notifications] == [
        (
            Kind.HELD,
            "Your reply to María was translated",
            "Carl Colleague translated it and sent it.",
        )
    ]
    reply.send(repo, mine, draft.held("And a voucher.", "es"), agents["me"], NOW)
    again = repo.messages.messages(mine)[-1]
    reply.release_held(repo, again, "Y un vale.", agents["me"], NOW)  # I translated it myself
    assert check(notifier, repo).notifications == ()


def test_no_signed_in_agent_means_no_notifications(repo: Store) -> None:
    notifier = Notifier()
    assert check(notifier, repo) == Batch()


def test_notification_settings_default_on_and_bad_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"ui_language": "en"}), encoding="utf-8")  # an older file
    settings, warning = load_settings(path)
    assert warning is None
    assert (settings.notify_messages, settings.notify_sound, settings.quiet_hours) == (
        True,
        False,
        None,
    )
    path.write_text(
        json.dumps({"notify_sla": "no", "quiet_hours": "25:00-07:00", "notify_held": False}),
        encoding="utf-8",
    )
    settings, warning = load_settings(path)
    assert settings.notify_sla is True and settings.quiet_hours is None
    assert settings.notify_held is False
    assert warning is not None and "notify_sla" in warning and "quiet_hours" in warning
