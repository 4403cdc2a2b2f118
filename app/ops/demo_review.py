"""The demo's team roles, survey answers, reviews and annotations (``resources/demo``).

Part of loading the demo (:func:`app.ops.demo.load_demo_into`, same transaction): roles
come from ``workspace.yaml``, the rest from ``review.yaml``. Keyed by stable uids, so a
second load adds only what is new.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.review import roles_json, weighted_total
from app.ops.review import default_rubric
from app.storage.store import Store

if TYPE_CHECKING:  # pydantic: only when the demo loads
    from app.contract.demo_schema import DemoWorkspace

REVIEW_FILE = "review.yaml"


def load_review_data(
    repo: Store, folder: Path, demo: DemoWorkspace, agents: dict[str, int], now: int
) -> None:
    """Store lane, inside the demo's transaction; DataFileError for a bad review.yaml."""
    for agent in demo.workspace.agents:
        repo.reviews.set_roles(agents[agent.id], roles_json(agent.roles))
    path = folder / REVIEW_FILE
    if not path.exists():
        return
    from app.contract.demo_review_schema import load_review_demo

    rubric = default_rubric()
    data = load_review_demo(path, demo, rubric)
    conversations = {c.id: c for c in demo.conversations}
    countries = {c.id: c.country for c in demo.customers}
    local = {ident: repo.conversations.conversation_id_by_uid(ident) for ident in conversations}
    for survey in data.surveys:
        cid = local[survey.conversation]
        if cid is not None:
            repo.surveys.add(
                cid,
                survey.kind,
                survey.score,
                survey.comment.strip(),
                now + survey.at,
                uid=f"demo-survey-{survey.conversation}-{survey.kind.value}",
            )
    for review in data.reviews:
        cid, uid = local[review.conversation], f"demo-review-{review.conversation}"
        if cid is None or repo.reviews.has_uid("reviews", uid):
            continue
        spec = conversations[review.conversation]
        reviewed = review.reviewed or spec.assignee
        review_id = repo.reviews.add_review(
            cid,
            agents[review.reviewer],
            agents[reviewed] if reviewed else None,
            rubric.uid,
            now + review.at,
            uid=uid,
        )
        total = weighted_total(rubric, review.scores, countries[spec.customer])
        repo.reviews.update_review(
            review_id,
            review.scores,
            total if review.scores else None,
            review.comment.strip(),
            review.state,
            now + review.at,
        )
    for index, note in enumerate(data.annotations, start=1):
        cid, uid = local[note.conversation], f"demo-annotation-{note.conversation}-{index}"
        message_id = repo.reviews.message_id_by_uid(f"{note.conversation}-{note.message}")
        if cid is None or message_id is None or repo.reviews.has_uid("annotations", uid):
            continue
        repo.reviews.add_annotation(
            cid,
            message_id,
            agents[note.author],
            note.kind,
            note.severity,
            note.body.strip(),
            note.correction.strip() if note.correction else None,
            note.reference,
            now + note.at,
            uid=uid,
        )
