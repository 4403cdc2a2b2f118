"""Which conversations a lead reviews: candidates for a seeded sample, and smart queues.

Only answered conversations are candidates (``first_response_at`` set: there is an
agent's work to review), merged-away ones never are, and those whose review is done are
left out unless asked for. Ids come back ordered, so a seeded sample is reproducible.
"""

from __future__ import annotations

from typing import Literal

from app.storage.link import Link

SampleBy = Literal["agent", "region", "language"]
SmartQueue = Literal["low_confidence", "low_csat", "held_translation", "new_agent"]

LOW_CONFIDENCE = 0.3  # below: the "low confidence" cue the thread shows
LOW_CSAT = 2  # CSAT at or below: a dissatisfied customer
NEW_AGENT_SECONDS = 30 * 86400  # an agent whose first reply is this recent is new
NEW_AGENT_FIRST = 10  # their first conversations reviewed
MAX_CANDIDATES = 200_000

_GROUP = {
    "agent": "coalesce(c.assignee_id, (SELECT m.author_agent_id FROM messages m"
    " WHERE m.conversation_id = c.id AND m.kind = 'agent' AND m.state = 'sent'"
    " ORDER BY m.seq DESC LIMIT 1), 0)",
    "region": "c.country",
    "language": "c.language_primary",
}
_ANSWERED = "c.first_response_at IS NOT NULL"
_NOT_DONE = (
    "NOT EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = c.id AND r.state = 'done')"
)
# Each a set of conversation ids found in one pass over its table (an IN, not an EXISTS
# per conversation: at 1,000,000 messages one scan is ~0.2 s, 100,000 probes ~1.5 s).
_SMART = {
    "low_confidence": "c.id IN (SELECT m.conversation_id FROM messages m"
    " WHERE m.provenance IS NOT NULL AND json_valid(m.provenance)"
    f" AND json_extract(m.provenance, '$.confidence') < {LOW_CONFIDENCE})",
    "low_csat": "c.id IN (SELECT s.conversation_id FROM survey_answers s"
    f" WHERE s.kind = 'csat' AND s.score <= {LOW_CSAT})",
    "held_translation": "(c.id IN (SELECT m.conversation_id FROM messages m"
    " WHERE m.state = 'held') OR c.id IN (SELECT m.conversation_id FROM messages m"
    " WHERE m.provenance IS NOT NULL AND json_valid(m.provenance)"
    " AND json_extract(m.provenance, '$.kind') = 'human'))",
}


class ReviewQueueRepository:
    """Review queue queries (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def candidates(
        self,
        by: SampleBy | None,
        period: tuple[int, int] | None,
        include_reviewed: bool = False,
    ) -> list[tuple[int, str]]:
        """(conversation id, group key) of every answered conversation created in
        ``period`` [start, end), ordered by id; the key is '' when not grouped."""
        group = _GROUP[by] if by else "''"
        where, params = self._where(period, include_reviewed)
        return [
            (int(r[0]), str(r[1]))
            for r in self._conn.execute(
                f"SELECT c.id, {group} FROM conversations c WHERE {where} ORDER BY c.id LIMIT ?",
                (*params, MAX_CANDIDATES),
            )
        ]

    def smart(
        self,
        name: SmartQueue,
        now: int,
        period: tuple[int, int] | None = None,
        limit: int = 500,
        include_reviewed: bool = False,
    ) -> list[int]:
        """A smart queue's conversations, the most recently active first."""
        # a reply held for a translator may be the only one: not answered yet, still reviewed
        where, params = self._where(period, include_reviewed, name != "held_translation")
        if name == "new_agent":
            return self._new_agent(where, params, now, limit)
        return [
            int(r[0])
            for r in self._conn.execute(
                f"SELECT c.id FROM conversations c WHERE {where} AND {_SMART[name]}"
                " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?",
                (*params, limit),
            )
        ]

    def _new_agent(self, where: str, params: list[int], now: int, limit: int) -> list[int]:
        """The first conversations each new agent answered (their first reply recent)."""
        return [
            int(r[0])
            for r in self._conn.execute(
                "WITH newcomers AS (SELECT author_agent_id AS agent FROM messages"
                " WHERE kind = 'agent' AND state = 'sent' AND author_agent_id IS NOT NULL"
                " GROUP BY 1 HAVING min(created_at) >= ?),"
                " firsts AS (SELECT m.author_agent_id AS agent, m.conversation_id AS cid,"
                " min(m.created_at) AS at FROM messages m WHERE m.kind = 'agent'"
                " AND m.state = 'sent' AND m.author_agent_id IN (SELECT agent FROM newcomers)"
                " GROUP BY 1, 2),"
                " ranked AS (SELECT cid, at, row_number() OVER (PARTITION BY agent"
                " ORDER BY at, cid) AS n FROM firsts)"
                " SELECT c.id FROM ranked JOIN conversations c ON c.id = ranked.cid"
                f" WHERE ranked.n <= ? AND {where}"
                " GROUP BY c.id ORDER BY min(ranked.at) DESC, c.id DESC LIMIT ?",
                (now - NEW_AGENT_SECONDS, NEW_AGENT_FIRST, *params, limit),
            )
        ]

    @staticmethod
    def _where(
        period: tuple[int, int] | None, include_reviewed: bool, answered: bool = True
    ) -> tuple[str, list[int]]:
        clauses: list[str] = ["c.merged_into IS NULL"]
        params: list[int] = []
        if answered:
            clauses.append(_ANSWERED)
        if period is not None:
            clauses.append("c.created_at >= ? AND c.created_at < ?")
            params += [period[0], period[1]]
        if not include_reviewed:
            clauses.append(_NOT_DONE)
        return " AND ".join(clauses), params
