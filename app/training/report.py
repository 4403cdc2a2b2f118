"""A finished play as JSON (what the CLI prints, the debrief shows and the attempt keeps)
and as the :class:`AttemptRecord` the store and the training feed carry.

The JSON is self-contained and already in the UI language, so a debrief can be shown
again long after, on any machine the attempt synced to, even if the scenario changed.
"""

from __future__ import annotations

import gettext
import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from app.config.paths import translations_dir
from app.domain.errors import N_
from app.domain.training import (
    MAX_TRANSCRIPT_JSON,
    AttemptRecord,
    EndState,
    Outcome,
    PlayOptions,
    TrainingError,
)

if TYPE_CHECKING:
    from app.training.engine import Play, Step
    from app.training.scoring import Score

FORMAT_VERSION = 1


@cache
def _translator(ui_language: str) -> Callable[[str], str]:
    """gettext for the UI language (English: the msgid itself)."""
    if not ui_language.lower().startswith("zh"):
        return lambda message: message
    catalog = gettext.translation(
        "crossdesk", localedir=str(translations_dir()), languages=["zh_CN"], fallback=True
    )
    return catalog.gettext


def _step_json(play: Play, step: Step, ui_language: str) -> dict[str, Any]:
    reviewed = play.scenario.translations_reviewed_by
    entry: dict[str, Any] = {
        "index": step.index,
        "who": step.who,
        "turn_id": step.turn_id,
        "text": step.text,
        "at": round(step.at, 1),
        "response_seconds": (
            None if step.response_seconds is None else round(step.response_seconds, 1)
        ),
        "nudge": step.nudge,
        "ending_id": step.ending_id,
    }
    if step.who == "customer":
        entry["translations"] = {
            language: {"text": text, "kind": "human", "reviewed_by": reviewed}
            for language, text in step.translations.items()
        }
    else:
        local = play.scenario.local_intents
        entry["intents"] = sorted(step.intents)
        entry["intent_labels"] = [
            play.intents.label(name, ui_language, local) for name in sorted(step.intents)
        ]
        entry["findings"] = [_finding_json(f) for f in step.findings]
    return entry


def _finding_json(finding: Any) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "kind": str(finding.kind),
        "start": finding.start,
        "end": finding.end,
        "excerpt": finding.excerpt,
        "explanation": finding.explanation,
        "suggestion": finding.suggestion,
    }


def play_json(play: Play, score: Score, ui_language: str) -> dict[str, Any]:
    """The whole play, scored, in ``ui_language`` ("en" or "zh_CN")."""
    scenario = play.scenario
    translate = _translator(ui_language)
    replies = play.replies
    reply_number = {step.index: n for n, step in enumerate(replies, start=1)}
    ending = play.ending
    return {
        "format": FORMAT_VERSION,
        "scenario": scenario.id,
        "version": scenario.version,
        "title": scenario.title.pick(ui_language),
        "country": scenario.country,
        "language": scenario.language,
        "channel": scenario.channel,
        "trainee_language": play.trainee_language,
        "ui_language": ui_language,
        "transcript": [_step_json(play, step, ui_language) for step in play.steps],
        "path": list(play.path),
        "finished": play.finished,
        "ending": None
        if ending is None
        else {
            "id": play.ending_id,
            "state": str(ending.state),
            "outcome": str(ending.outcome),
            "note": ending.note.pick(ui_language),
            "left_for_slowness": play.left_for_slowness,
        },
        "findings": [
            {"reply": reply_number[step.index], "step": step.index, **_finding_json(f)}
            for step in replies
            for f in step.findings
        ],
        "timeline": [
            {
                "step": step.index,
                "who": step.who,
                "at": round(step.at, 1),
                "response_seconds": (
                    None if step.response_seconds is None else round(step.response_seconds, 1)
                ),
                "nudge": step.nudge,
            }
            for step in play.steps
        ],
        "score": score.total,
        "criteria": [
            {
                "key": c.key,
                "label": translate(c.label) if c.label else c.key,
                "points": c.points,
                "scale": c.scale,
                "reasons": [reason.text(translate) for reason in c.reasons],
            }
            for c in score.criteria
        ],
        "expectations": [
            {"id": r.id, "label": r.label(ui_language), "criterion": r.criterion, "met": r.met}
            for r in score.expectations
        ],
        "model_answer": list(scenario.model_answer.pick(play.trainee_language)),
    }


def attempt_record(
    play: Play,
    score: Score,
    *,
    uid: str,
    started_at: int,
    finished_at: int,
    ui_language: str = "en",
    trainee_agent_id: int | None = None,
    trainee_name: str | None = None,
    options: PlayOptions | None = None,
    assignment_uid: str | None = None,
) -> AttemptRecord:
    """The finished play as the record the trainer sees (raises if it has not ended)."""
    if play.ending is None or play.ending_id is None:
        raise TrainingError(N_("Only a finished practice can be recorded."))
    transcript = json.dumps(play_json(play, score, ui_language), ensure_ascii=False)
    if len(transcript) > MAX_TRANSCRIPT_JSON:
        raise TrainingError(
            N_("This practice is too long to record ({size} characters, at most {limit})."),
            size=len(transcript),
            limit=MAX_TRANSCRIPT_JSON,
        )
    return AttemptRecord(
        uid=uid,
        scenario_id=play.scenario.id,
        scenario_version=play.scenario.version,
        trainee_agent_id=trainee_agent_id,
        trainee_name=trainee_name,
        trainee_language=play.trainee_language,
        started_at=started_at,
        finished_at=finished_at,
        ending_id=play.ending_id,
        end_state=EndState(play.ending.state),
        outcome=Outcome(play.ending.outcome),
        score=score.total,
        criteria=score.points(),
        path=tuple(play.path),
        transcript_json=transcript,
        options=options or PlayOptions(),
        assignment_uid=assignment_uid,
    )
