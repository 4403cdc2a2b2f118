"""One change summary: what an operation changed, merged and asked about."""

from __future__ import annotations

from app.domain.changes import NOTHING, ChangeLog, Changes


def test_nothing_names_nothing_and_is_false() -> None:
    assert not NOTHING
    assert not Changes(frozenset())
    assert Changes.of(3)
    assert Changes(articles=True)
    assert not NOTHING.names(3) and not NOTHING.names(None)


def test_union_keeps_every_conversation_and_every_flag() -> None:
    merged = Changes.of(1, list_membership=True) | Changes.of(2, packs=True)
    assert merged == Changes(frozenset({1, 2}), list_membership=True, packs=True)
    assert merged.names(2) and not merged.names(3)
    assert merged.translation and not merged.articles


def test_translation_means_team_data_or_packs() -> None:
    assert Changes(translation_data=True).translation
    assert Changes(packs=True).translation
    assert not Changes.of(1, list_membership=True, messages=True, choices=True).translation


def test_a_change_log_gathers_steps_and_names_only_what_was_marked() -> None:
    log = ChangeLog()
    log.mark(4, messages=True, choices=False)
    log.mark(5)
    log.mark(articles=True)
    assert log.changes() == Changes(frozenset({4, 5}), messages=True, articles=True)
    assert ChangeLog().changes() == NOTHING
