"""@mentions of colleagues in internal notes, found without Qt.

"@Wei Zhang" is matched against the agents' names, longest first and case-insensitive,
so "@Wei Zhang" is Wei Zhang even when a colleague is called "Wei". The match needs an
"@" at the start or after a space or punctuation (an e-mail address is not a mention)
and must end at a word's end ("@Anna" is not "@Annabel").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_TEXT_CHARS = 200_000
MAX_MENTIONS = 50  # per note: a pasted list of "@" is not fifty notifications
MAX_NAME_CHARS = 120


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention: where it is in the note (``start`` is the "@") and whom it names."""

    start: int
    end: int
    agent_id: int


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_mentions(text: str, agents: Iterable[tuple[int, str]]) -> list[Mention]:
    """The mentions in ``text`` of ``agents`` ((id, name) pairs), in order."""
    if "@" not in text[:MAX_TEXT_CHARS]:
        return []  # most notes: nothing to match (a thread checks every note as it opens)
    names = sorted(
        (
            (name.casefold(), agent_id)
            for agent_id, raw in agents
            if (name := " ".join(raw.split())[:MAX_NAME_CHARS])
        ),
        key=lambda pair: -len(pair[0]),
    )
    if not names:
        return []
    text = text[:MAX_TEXT_CHARS]
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths (ß -> ss): fall back to lower
        folded = text.lower()
        if len(folded) != len(text):
            return []
    found: list[Mention] = []
    at = folded.find("@")
    while at != -1 and len(found) < MAX_MENTIONS:
        if at == 0 or not _word(folded[at - 1]):
            for name, agent_id in names:
                end = at + 1 + len(name)
                ends = end >= len(folded) or not _word(folded[end])
                if ends and folded.startswith(name, at + 1):
                    found.append(Mention(at, end, agent_id))
                    at = end - 1
                    break
        at = folded.find("@", at + 1)
    return found


def mentioned_agents(text: str, agents: Iterable[tuple[int, str]]) -> list[int]:
    """Who a note mentions, each once, in order of first mention."""
    return list(dict.fromkeys(m.agent_id for m in find_mentions(text, agents)))


def completion_prefix(text_before_cursor: str) -> str | None:
    """The partial name typed after an "@" just before the cursor (for completion), or
    None when the cursor is not in a mention. At most three words, no line break."""
    tail = text_before_cursor[-(MAX_NAME_CHARS + 1) :]
    at = tail.rfind("@")
    if at == -1 or (at > 0 and _word(tail[at - 1])):
        return None
    prefix = tail[at + 1 :]
    if "\n" in prefix or len(prefix.split()) > 3 or prefix.startswith(" "):
        return None
    return prefix
