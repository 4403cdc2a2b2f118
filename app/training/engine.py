"""One play of a scenario: the pure state machine the training window and the CLI drive.

Nothing here is stored or sent: the play lives in memory, so nothing typed in training
can reach a real customer. Time is *scenario* time, in seconds, moved on explicitly
(:meth:`Play.advance`): the window runs it from a timer at the trainer's clock speed, the
tests and the CLI jump, so a play is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from app.domain.errors import N_
from app.domain.training import MAX_REPLY_CHARS, EndState, TrainingError
from app.training.intents import reply_language

if TYPE_CHECKING:
    from app.culture.checker import Finding
    from app.training.intents import IntentIndex
    from app.training.schema import Branch, Ending, Scenario, Translations, When

Check = Callable[[str], Sequence["Finding"]]


@dataclass(frozen=True)
class Step:
    """One message of the practice conversation (the customer's or the trainee's)."""

    index: int
    who: Literal["customer", "trainee"]
    turn_id: str | None  # the customer's turn (or, for a trainee step, the turn answered)
    text: str
    translations: Mapping[str, str]  # customer steps: {"en": ..., "zh_CN": ...}
    at: float  # scenario seconds since the play started
    response_seconds: float | None  # trainee steps: since the message being answered
    intents: frozenset[str] = frozenset()
    findings: tuple[Finding, ...] = ()
    nudge: bool = False
    ending_id: str | None = None


def finding_matches(ref: str, rule_id: str, kind: str) -> bool:
    """Whether a ``findings`` entry names this finding: its kind, its rule id, or a prefix."""
    if ref in (kind, rule_id):
        return True
    return ref.endswith(".") and rule_id.startswith(ref)


def _translations(source: Translations | None) -> dict[str, str]:
    return {"en": source.en, "zh_CN": source.zh_CN} if source is not None else {}


@dataclass
class Play:
    """A scenario being played: the steps so far, the path through it, and its ending."""

    scenario: Scenario
    intents: IntentIndex
    check: Check
    trainee_language: str
    steps: list[Step] = field(default_factory=list, init=False)
    path: list[str] = field(default_factory=list, init=False)
    ending: Ending | None = field(default=None, init=False)
    ending_id: str | None = field(default=None, init=False)
    clock: float = field(default=0.0, init=False)
    left_for_slowness: bool = field(default=False, init=False)
    _turn: str | None = field(default=None, init=False)
    _waiting_since: float = field(default=0.0, init=False)
    _nudges: int = field(default=0, init=False)
    _started: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.trainee_language not in ("en", "zh"):
            self.trainee_language = "zh" if self.trainee_language.startswith("zh") else "en"

    # ------------------------------------------------------------------ state
    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def turn_id(self) -> str | None:
        """The customer turn the trainee is answering (None before start and after the end)."""
        return None if self.finished else self._turn

    @property
    def replies(self) -> list[Step]:
        return [step for step in self.steps if step.who == "trainee"]

    @property
    def waiting_seconds(self) -> float:
        """How long the customer has been waiting for an answer."""
        return 0.0 if self.finished or not self._started else self.clock - self._waiting_since

    def next_event_in(self) -> float | None:
        """Scenario seconds until the customer nudges or leaves (None: nothing pending)."""
        due = self._next_due()
        return None if due is None else max(0.0, due - self.clock)

    # ------------------------------------------------------------------ moves
    def start(self) -> list[Step]:
        """The opening customer turn."""
        if self._started:
            raise TrainingError(N_("This practice has already started."))
        self._started = True
        return [self._enter(self.scenario.start)]

    def advance(self, seconds: float) -> list[Step]:
        """Scenario time passes with no reply: the customer nudges at each ``patience``,
        and leaves after ``leaves_after`` nudges and one more ``patience``."""
        if seconds < 0:
            raise TrainingError(N_("Time cannot run backwards."))
        if not self._started:
            raise TrainingError(N_("Start the practice first."))
        target = self.clock + seconds
        new: list[Step] = []
        while not self.finished:
            due = self._next_due()
            if due is None or due > target:
                break
            self.clock = due
            new.append(self._customer_waits())
            if new[-1].ending_id is None and not new[-1].nudge:
                new.pop()  # an ending without a last message
        if not self.finished:
            self.clock = target
        return new

    def reply(self, text: str) -> list[Step]:
        """The trainee's reply now: the trainee step, then the customer's answer (a turn or
        an ending's last message)."""
        if not self._started:
            raise TrainingError(N_("Start the practice first."))
        if self.finished:
            raise TrainingError(N_("This practice has ended: start it again to try again."))
        cleaned = text.strip()
        if not cleaned:
            raise TrainingError(N_("Write a reply first."))
        if len(cleaned) > MAX_REPLY_CHARS:
            raise TrainingError(
                N_("A reply can have at most {limit} characters."), limit=MAX_REPLY_CHARS
            )
        turn_id = self._turn
        assert turn_id is not None
        response = self.clock - self._waiting_since
        written = reply_language(cleaned, self.trainee_language)
        found = self.intents.detect(cleaned, written, self.scenario.local_intents)
        findings = tuple(self.check(cleaned))
        step = Step(
            len(self.steps),
            "trainee",
            turn_id,
            cleaned,
            {},
            self.clock,
            response,
            frozenset(found),
            findings,
        )
        self.steps.append(step)
        slow = response > self.scenario.persona.patience
        target = self._choose(self.scenario.turns[turn_id].branches, step, slow)
        if target in self.scenario.turns and len(self.replies) >= self.scenario.max_replies:
            target = self.scenario.limit_ending
        return [step, *self._goto(target)]

    # ------------------------------------------------------------------ inside
    def _choose(self, branches: Sequence[Branch], step: Step, slow: bool) -> str:
        for branch in branches:
            if branch.when is None or self._holds(branch.when, step, slow):
                return branch.goto
        return branches[-1].goto  # unreachable for a validated scenario

    @staticmethod
    def _holds(when: When, step: Step, slow: bool) -> bool:
        if when.slow is not None and when.slow != slow:
            return False
        if when.all and not all(name in step.intents for name in when.all):
            return False
        if when.any and not any(name in step.intents for name in when.any):
            return False
        if when.none and any(name in step.intents for name in when.none):
            return False
        return not when.findings or any(
            finding_matches(ref, f.rule_id, str(f.kind))
            for ref in when.findings
            for f in step.findings
        )

    def _goto(self, target: str) -> list[Step]:
        if target in self.scenario.endings:
            step = self._end(target)
            return [step] if step is not None else []
        return [self._enter(target)]

    def _enter(self, turn_id: str) -> Step:
        turn = self.scenario.turns[turn_id]
        self._turn = turn_id
        self._waiting_since = self.clock
        self._nudges = 0
        self.path.append(turn_id)
        return self._customer(turn_id, turn.text, _translations(turn.translations))

    def _end(self, ending_id: str) -> Step | None:
        ending = self.scenario.endings[ending_id]
        self.ending = ending
        self.ending_id = ending_id
        self.path.append(ending_id)
        if ending.text is None:
            return None
        return self._customer(
            self._turn, ending.text, _translations(ending.translations), ending_id=ending_id
        )

    def _customer(
        self,
        turn_id: str | None,
        text: str,
        translations: dict[str, str],
        *,
        nudge: bool = False,
        ending_id: str | None = None,
    ) -> Step:
        step = Step(
            len(self.steps),
            "customer",
            turn_id,
            text,
            translations,
            self.clock,
            None,
            nudge=nudge,
            ending_id=ending_id,
        )
        self.steps.append(step)
        return step

    def _next_due(self) -> float | None:
        if self.finished or not self._started:
            return None
        persona = self.scenario.persona
        if persona.leaves_after == 0:
            if self._nudges == 0 and persona.nudge is not None:
                return self._waiting_since + persona.patience
            return None
        return self._waiting_since + persona.patience * (self._nudges + 1)

    def _customer_waits(self) -> Step:
        """The customer's move at a due time: a nudge, or leaving (an ending step, or a
        placeholder step that :meth:`advance` drops when the ending has no text)."""
        persona = self.scenario.persona
        if persona.leaves_after == 0 or self._nudges < persona.leaves_after:
            self._nudges += 1
            assert persona.nudge is not None
            return self._customer(
                self._turn,
                persona.nudge.text,
                _translations(persona.nudge.translations),
                nudge=True,
            )
        assert persona.left is not None
        self.left_for_slowness = True
        step = self._end(persona.left)
        if step is None:
            return Step(len(self.steps), "customer", self._turn, "", {}, self.clock, None)
        return step

    @property
    def left(self) -> bool:
        """Whether the play ended with the customer leaving."""
        return self.ending is not None and self.ending.state == EndState.LEFT
