"""The review's store-lane read: each message in two columns, honest about what is missing."""

from __future__ import annotations

from app.culture.checker import Finding
from app.culture.rule_schema import FindingKind
from app.domain.models import MessageKind
from app.domain.review import findings_json
from app.ops.review_transcript import findings_at_send, review_transcript, rows_in_order
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation


def test_findings_shown_at_send_are_recorded_with_rule_excerpt_and_kind() -> None:
    found = Finding("en.idiom.piece-of-cake", FindingKind.IDIOM, 3, 16, "piece of cake", "", "")
    (recorded,) = findings_at_send([found])
    assert (recorded.rule_id, recorded.excerpt, recorded.kind) == (
        "en.idiom.piece-of-cake",
        "piece of cake",
        "idiom",
    )


def test_columns_without_packs_say_not_translated_and_replies_carry_their_findings(
    repo: Store,
) -> None:
    agents = add_agents(repo)
    cid = add_conversation(
        repo,
        Conv(
            messages=[
                (MessageKind.CUSTOMER, "¿Dónde está mi pedido?"),
                (MessageKind.AGENT, "It ships today"),
                (MessageKind.NOTE, "checked the warehouse"),
                (MessageKind.SYSTEM, "assigned"),
            ]
        ),
        agents,
    )
    reply = repo.messages.messages(cid)[1]
    found = findings_at_send(
        [Finding("r.1", FindingKind.REGISTER, 0, 2, "It", "", "")],
    )
    repo.reviews.set_sent_findings(reply.id, findings_json(found))
    transcript = review_transcript(repo, None, cid, "en")
    customer, agent, note = transcript.lines  # system lines are not reviewed
    assert (customer.left, customer.right, customer.provenance) == (
        "¿Dónde está mi pedido?",
        None,
        None,
    )
    assert (agent.left, agent.right, agent.back) == ("It ships today", "It ships today", None)
    assert [f.rule_id for f in agent.findings] == ["r.1"]
    assert agent.outgoing and not customer.outgoing
    assert (note.left, note.right) == ("checked the warehouse", None)


def test_queue_rows_keep_the_queue_order(repo: Store) -> None:
    agents = add_agents(repo)
    ids = [add_conversation(repo, Conv(customer=f"C{i}"), agents) for i in range(3)]
    wanted = [ids[2], ids[0], 999_999]
    assert [r.id for r in rows_in_order(repo, wanted)] == [ids[2], ids[0]]
