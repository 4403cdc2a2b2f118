"""Saving the team's scorecard rubric from the editor: only a lead or an admin may
change what every review is scored on (trainers and agents read it)."""

from __future__ import annotations

from app.domain.changes import Changes
from app.domain.errors import N_
from app.domain.review import ReviewError, Role, Rubric
from app.ops import review
from app.storage.store import Store

EDITORS = frozenset({Role.LEAD, Role.ADMIN})


def can_edit_rubric(store: Store) -> bool:
    """Whether "me" may edit the rubric (lead or admin)."""
    return bool(EDITORS & review.my_roles(store))


def rubric_for_editor(store: Store) -> tuple[Rubric, bool]:
    """The team's rubric and whether "me" may edit it (one store read for the dialog)."""
    return review.rubric(store), can_edit_rubric(store)


def save_team_rubric(store: Store, edited: Rubric, now: int) -> Changes:
    """Save an edited rubric as "me" (refused for anyone but a lead or admin). ``edited``
    carries the version it was edited from: a rubric changed meanwhile (another lead, a
    sync) is not overwritten unseen."""
    if not can_edit_rubric(store):
        raise ReviewError(N_("Only a team lead or admin can change the scorecard"))
    current = review.rubric(store)
    if current.version != edited.version:
        raise ReviewError(
            N_(
                "The scorecard was changed meanwhile (now version {version}); your edits are"
                " kept here: reopen the editor to see the new one"
            ),
            version=current.version,
        )
    return review.save_rubric(store, edited, now)
