"""The practice conversation as the real conversation widgets show it: in-memory domain
objects (customer, messages, the conversation) built from the play's steps.

Nothing here is ever stored: the conversation's id is negative, so it can never be
mistaken for a row of the workspace, and no operation that writes is reachable from
these objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from app.domain.models import (
    ConversationDetail,
    ConversationRow,
    Customer,
    Message,
    MessageKind,
    Status,
)
from app.ops.culture import CultureData
from app.ops.reply import Outgoing
from app.translation.api import Provenance, ProvenanceKind, Result
from app.ui.conversation.thread_view import Shown, ShownState
from app.ui.training.labels import channel_of, persona_name, translation_key

PRACTICE_ID = -1  # the practice conversation's id: never a row of the store
MAX_SUBJECT = 200


def moment_of(scenario: Any) -> dt.datetime:
    """The scenario's moment (aware); a text is read as ISO 8601."""
    moment = scenario.moment
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def start_epoch(scenario: Any) -> int:
    """Epoch seconds of the scenario's first message."""
    return int(moment_of(scenario).timestamp())


def practice_customer(scenario: Any, culture: CultureData) -> Customer:
    """The persona as a customer (the engine's, with the name as the customer writes it
    followed by its Latin spelling)."""
    from app.ops.training_play import persona_customer

    customer = persona_customer(culture, scenario)
    return replace(customer, id=PRACTICE_ID, name=persona_name(scenario))


def practice_detail(
    scenario: Any,
    customer: Customer,
    steps: Sequence[Any],
    sent: Mapping[int, Outgoing],
    trainee_name: str,
    subject: str,
) -> ConversationDetail:
    """The conversation so far: each customer turn as a customer message (written
    natively), each reply as a reply (``sent``: what the customer read when the reply was
    translated, by step index)."""
    channel = channel_of(scenario)
    begin = start_epoch(scenario)
    messages = []
    for seq, step in enumerate(steps, start=1):
        at = begin + int(step.at)
        said = Message(  # a customer turn; a reply is the same message with what differs
            seq,  # the id: positive, as the thread's links carry it as digits
            f"practice-{seq}",
            PRACTICE_ID,
            seq,
            MessageKind.CUSTOMER,
            step.text,
            scenario.language,
            channel,
            at,
        )
        if step.who == "customer":
            messages.append(said)
            continue
        out = sent.get(step.index)
        translated = out is not None and out.provenance.kind != ProvenanceKind.UNTRANSLATED
        messages.append(
            replace(
                said,
                kind=MessageKind.AGENT,
                body=out.text if out is not None and translated else step.text,
                language=out.language if out is not None and translated else None,
                author_name=trainee_name,
                original_body=step.text if translated else None,
                provenance=out.provenance.to_json() if out is not None else None,
            )
        )
    last = messages[-1] if messages else None
    row = ConversationRow(
        PRACTICE_ID,
        "practice",
        channel,
        Status.OPEN,
        subject[:MAX_SUBJECT],
        customer.name,
        customer.country,
        customer.language,
        customer.timezone,
        None,
        None,
        None,
        None,
        last.created_at if last else begin,
        last.body[:200] if last else "",
        last.kind if last else MessageKind.CUSTOMER,
        0,
        len(messages),
        (),
    )
    return ConversationDetail(row, customer, tuple(messages), None)


def customer_translations(
    detail: ConversationDetail, steps: Sequence[Any], trainee_language: str
) -> dict[int, Shown]:
    """The author's human translation of every customer turn, in the trainee's language,
    keyed by the message ids :func:`practice_detail` gave them."""
    key = translation_key(trainee_language)
    shown: dict[int, Shown] = {}
    for message, step in zip(detail.messages, steps, strict=True):
        if message.kind is not MessageKind.CUSTOMER:
            continue
        text = (step.translations or {}).get(key)
        if not text:
            continue
        provenance = Provenance(
            ProvenanceKind.HUMAN,
            source_language=detail.customer.language,
            target_language=trainee_language,
        )
        shown[message.id] = Shown(ShownState.TRANSLATED, Result(text, provenance))
    return shown
