"""@mentions found in note text without Qt."""

from __future__ import annotations

from app.domain.mentions import (
    MAX_MENTIONS,
    Mention,
    completion_prefix,
    find_mentions,
    mentioned_agents,
)

AGENTS = [(1, "Wei"), (2, "Wei Zhang"), (3, "Anna"), (4, "Lucía Gómez")]


def test_the_longest_name_wins_case_insensitive() -> None:
    text = "@wei zhang please check, cc @Wei."
    assert find_mentions(text, AGENTS) == [Mention(0, 10, 2), Mention(28, 32, 1)]
    assert text[0:10] == "@wei zhang"


def test_mentions_need_a_boundary_on_both_sides() -> None:
    assert mentioned_agents("mail anna@Anna.com or @Annabel", AGENTS) == []
    assert mentioned_agents("(@Anna) and @LUCÍA GÓMEZ!", AGENTS) == [3, 4]


def test_each_agent_once_and_bounded() -> None:
    assert mentioned_agents("@Anna @Anna @anna", AGENTS) == [3]
    assert len(find_mentions("@Anna " * 500, AGENTS)) == MAX_MENTIONS
    assert find_mentions("@Anna", []) == []
    assert find_mentions("no at sign", AGENTS) == []


def test_completion_prefix_is_the_partial_name_after_the_at() -> None:
    assert completion_prefix("Please ask @We") == "We"
    assert completion_prefix("Please ask @") == ""
    assert completion_prefix("Please ask @Wei Zh") == "Wei Zh"
    assert completion_prefix("mail anna@exa") is None
    assert completion_prefix("no mention") is None
    assert completion_prefix("@Wei\nnext") is None
