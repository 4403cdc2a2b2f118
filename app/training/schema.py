"""Schema of the practice scenarios in ``resources/training/scenarios/<id>.yaml``.

A scenario is a small state machine: the customer's turns (written natively, with the
author's translations into English and Simplified Chinese), branches chosen by what the
trainee's reply does, and endings. The file is validated in two passes: the shape
(pydantic, every field bounded) and then the rules across fields (:mod:`app.training.rules`:
every ``goto`` lands somewhere, everything is reachable, intents exist...). Each problem
names the file and line, so a trainer editing a scenario sees where it went wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from app.contract.codes import check_country
from app.contract.datafile import Strict, problem_text, reject_yaml_no
from app.domain.datafiles import DataFileError, line_of, parse_yaml
from app.domain.training import MAX_REPLY_CHARS, EndState, Outcome
from app.training.intents import IntentIndex, IntentSpec, build_matcher, compile_pattern

MAX_SCENARIO_CHARS = 200_000
MAX_TEXT = 2000
MAX_LABEL = 200
MAX_TURNS = 40
MAX_ENDINGS = 10
MAX_BRANCHES = 12
MAX_REPLIES = 20

ScenarioId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]
StateId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
IntentId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
ItemId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Label = Annotated[str, Field(min_length=1, max_length=MAX_LABEL)]
Reply = Annotated[str, Field(min_length=1, max_length=MAX_REPLY_CHARS)]
# A finding kind (idiom, register...), a rule id, or a rule-id prefix ending in '.'.
FindingRef = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[._-][a-z0-9]+)*\.?$", max_length=100)]
Channel = Literal["email", "web_chat", "whatsapp", "line", "messenger", "sms", "phone"]
Mood = Literal["calm", "friendly", "worried", "annoyed", "angry", "hurried"]
TraineeLanguage = Literal["en", "zh"]


def _no_script_tags(tag: str) -> str:
    # Only language(-REGION): the translation packs and the checker know nothing finer.
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", tag):
        raise ValueError(f"'{tag}' is not a language like 'ar', 'ja' or 'pt-BR'")
    return tag


def _has_profile(code: str) -> str:
    check_country(code)
    if code not in _profile_countries():
        raise ValueError(f"'{code}' has no etiquette profile in resources/etiquette/profiles")
    return code


@cache
def _profile_countries() -> frozenset[str]:
    """The countries with a built-in etiquette profile (read once: the folder is shipped)."""
    from app.config.paths import resources_dir

    return frozenset(p.stem for p in (resources_dir() / "etiquette" / "profiles").glob("*.yaml"))


Country = Annotated[str, BeforeValidator(reject_yaml_no), AfterValidator(_has_profile)]
LanguageTag = Annotated[str, AfterValidator(_no_script_tags)]


class Localized(Strict):
    """A short label in both UI languages."""

    en: Label
    zh_CN: Label  # noqa: N815 - the locale name as the files spell it

    def pick(self, ui_language: str) -> str:
        return self.zh_CN if ui_language.lower().startswith("zh") else self.en


class LocalizedText(Strict):
    """A longer text (a brief, a note, a fact) in both UI languages."""

    en: Text
    zh_CN: Text  # noqa: N815

    def pick(self, ui_language: str) -> str:
        return self.zh_CN if ui_language.lower().startswith("zh") else self.en


class Translations(LocalizedText):
    """The author's (human) translations of a customer text."""


class Nudge(Strict):
    text: Text
    translations: Translations


class Persona(Strict):
    name: Label
    display_name: Label | None = None
    mood: Mood
    patience: Annotated[int, Field(ge=10, le=3600)]
    leaves_after: Annotated[int, Field(ge=0, le=5)] = 0
    nudge: Nudge | None = None
    left: StateId | None = None

    @model_validator(mode="after")
    def _leaving(self) -> Persona:
        if self.leaves_after > 0 and (self.left is None or self.nudge is None):
            raise ValueError("a customer who leaves (leaves_after > 0) needs 'nudge' and 'left'")
        return self


class ContextField(Strict):
    label: Localized
    value: Label


class Context(Strict):
    fields: list[ContextField] = Field(default_factory=list, max_length=20)
    facts: list[LocalizedText] = Field(default_factory=list, max_length=20)


class IntentWords(Strict):
    phrases: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=200
    )
    regex: Annotated[str, Field(max_length=4000)] | None = None
    unless: Annotated[str, Field(max_length=4000)] | None = None

    @field_validator("regex", "unless")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            compile_pattern(value)
        return value

    @model_validator(mode="after")
    def _matches_something(self) -> IntentWords:
        if not self.phrases and not self.regex:
            raise ValueError("needs 'phrases' or a 'regex'")
        return self


class LocalIntent(Strict):
    label: Localized
    en: IntentWords | None = None
    zh: IntentWords | None = None

    @model_validator(mode="after")
    def _has_language(self) -> LocalIntent:
        if self.en is None and self.zh is None:
            raise ValueError("a scenario intent needs 'en' or 'zh' phrases")
        return self

    def compile(self, intent_id: str) -> IntentSpec:
        matchers = {
            lang: build_matcher(words.phrases, words.regex, words.unless)
            for lang, words in (("en", self.en), ("zh", self.zh))
            if words is not None
        }
        return IntentSpec(intent_id, self.label.en, self.label.zh_CN, matchers)


class When(Strict):
    """Conditions on one reply, all of which must hold."""

    all: list[IntentId] = Field(default_factory=list, max_length=20)
    any: list[IntentId] = Field(default_factory=list, max_length=20)
    none: list[IntentId] = Field(default_factory=list, max_length=20)
    findings: list[FindingRef] = Field(default_factory=list, max_length=20)
    slow: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> When:
        if not (self.all or self.any or self.none or self.findings or self.slow is not None):
            raise ValueError("'when' needs a condition (all, any, none, findings or slow)")
        return self


class Branch(Strict):
    when: When | None = None
    goto: StateId


class Turn(Strict):
    text: Text
    translations: Translations
    branches: list[Branch] = Field(min_length=1, max_length=MAX_BRANCHES)


class Ending(Strict):
    state: EndState
    outcome: Outcome
    text: Text | None = None
    translations: Translations | None = None
    note: LocalizedText

    @model_validator(mode="after")
    def _translated(self) -> Ending:
        if self.text is not None and self.translations is None:
            raise ValueError("an ending with 'text' needs 'translations' (en and zh_CN)")
        if self.text is None and self.translations is not None:
            raise ValueError("'translations' without a 'text' to translate")
        return self


class Avoid(Strict):
    findings: list[FindingRef] = Field(default_factory=list, max_length=20)
    intents: list[IntentId] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _not_empty(self) -> Avoid:
        if not self.findings and not self.intents:
            raise ValueError("'avoid' needs 'findings' or 'intents'")
        return self


class Expectation(Strict):
    id: ItemId
    label: Localized
    criterion: Annotated[str, Field(max_length=40)]
    intent: IntentId | None = None
    within: Annotated[int, Field(ge=1, le=MAX_REPLIES)] | None = None
    avoid: Avoid | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Expectation:
        if (self.intent is None) == (self.avoid is None):
            raise ValueError("an expectation has either 'intent' or 'avoid' (exactly one)")
        if self.within is not None and self.intent is None:
            raise ValueError("'within' goes with 'intent'")
        return self


class ModelAnswer(Strict):
    en: list[Reply] = Field(min_length=1, max_length=MAX_REPLIES)
    zh_CN: list[Reply] = Field(min_length=1, max_length=MAX_REPLIES)  # noqa: N815

    def pick(self, trainee_language: str) -> list[str]:
        return self.zh_CN if trainee_language.lower().startswith("zh") else self.en


class RehearsalExpect(Strict):
    ending: StateId
    min_score: Annotated[float, Field(ge=0, le=100)] | None = None
    max_score: Annotated[float, Field(ge=0, le=100)] | None = None


class Rehearsal(Strict):
    lang: TraineeLanguage
    replies: list[Reply] = Field(min_length=1, max_length=MAX_REPLIES)
    waits: list[Annotated[float, Field(ge=0, le=86_400)]] | None = None
    expect: RehearsalExpect

    @model_validator(mode="after")
    def _one_wait_per_reply(self) -> Rehearsal:
        if self.waits is not None and len(self.waits) != len(self.replies):
            raise ValueError("'waits' needs one number of seconds per reply")
        return self


class Scenario(Strict):
    """One practice scenario, validated (shape here, the rest in :mod:`app.training.rules`)."""

    id: ScenarioId
    version: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    title: Localized
    summary: LocalizedText
    author: Label
    translations_reviewed_by: Label | None = None
    country: Country
    language: LanguageTag
    channel: Channel
    moment: dt.datetime
    difficulty: Annotated[int, Field(ge=1, le=3)] = 1
    persona: Persona
    context: Context = Context()
    intents: dict[IntentId, LocalIntent] = Field(default_factory=dict, max_length=30)
    max_replies: Annotated[int, Field(ge=1, le=MAX_REPLIES)] = 8
    on_limit: StateId | None = None
    start: StateId
    turns: dict[StateId, Turn] = Field(min_length=1, max_length=MAX_TURNS)
    endings: dict[StateId, Ending] = Field(min_length=1, max_length=MAX_ENDINGS)
    expect: list[Expectation] = Field(default_factory=list, max_length=20)
    model_answer: ModelAnswer
    rehearsals: list[Rehearsal] = Field(default_factory=list, max_length=20)

    _local: dict[str, IntentSpec] = PrivateAttr(default_factory=dict)

    @field_validator("moment")
    @classmethod
    def _has_offset(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("the moment needs its UTC offset, e.g. '2027-02-20T20:30:00+03:00'")
        return value

    def model_post_init(self, context: Any, /) -> None:
        self._local = {name: spec.compile(name) for name, spec in self.intents.items()}

    @property
    def local_intents(self) -> dict[str, IntentSpec]:
        """The scenario's own intents, compiled once."""
        return self._local

    @property
    def limit_ending(self) -> str:
        """The ending reached after ``max_replies`` replies."""
        if self.on_limit:
            return self.on_limit
        if self.persona.left:
            return self.persona.left
        for wanted in (Outcome.FAILURE, Outcome.PARTIAL):
            for name, ending in self.endings.items():
                if ending.outcome == wanted:
                    return name
        return next(iter(self.endings))

    @property
    def epoch(self) -> int:
        """The scenario's moment as seconds since 1970 (for the culture's calendar)."""
        return int(self.moment.timestamp())


@dataclass
class ScenarioSet:
    """The scenarios that loaded (by id), their YAML text, and what failed to load."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    errors: list[DataFileError] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # id -> "builtin" | "saved"

    def add_text(self, text: str, label: str, intents: IntentIndex, origin: str) -> None:
        """Add (or replace) one scenario from text; a broken one goes to ``errors``."""
        try:
            scenario = scenario_from_text(text, label, intents)
        except DataFileError as exc:
            self.errors.append(exc)
            return
        self.scenarios[scenario.id] = scenario
        self.texts[scenario.id] = text
        self.origins[scenario.id] = origin


def _load_text(text: str, source: Path) -> Any:
    if len(text) > MAX_SCENARIO_CHARS:
        raise DataFileError(source, None, f"longer than {MAX_SCENARIO_CHARS} characters")
    return parse_yaml(text, source, aliases=False)


def scenario_problems(
    text: str, source: Path | str, intents: IntentIndex, *, stem: str | None = None
) -> tuple[Scenario | None, list[DataFileError]]:
    """The scenario (None if unusable) and every problem found, each with its line."""
    from app.training.rules import check_scenario

    path = Path(source)
    try:
        data = _load_text(text, path)
    except DataFileError as exc:
        return None, [exc]
    if not isinstance(data, dict):
        return None, [DataFileError(path, 1, "a scenario file is a mapping (id:, title:, ...)")]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors()[:20]:
            problems.append(DataFileError(path, line_of(data, error["loc"]), problem_text(error)))
        return None, problems
    problems = [
        DataFileError(path, line_of(data, loc), message)
        for loc, message in check_scenario(scenario, intents)
    ]
    if stem is not None and stem != scenario.id:
        problems.insert(
            0,
            DataFileError(
                path, line_of(data, ["id"]), f"id: '{scenario.id}' must equal the file name"
            ),
        )
    return (None if problems else scenario), problems


def parse_scenario(
    text: str, source: Path | str, intents: IntentIndex, *, stem: str | None = None
) -> Scenario:
    """The validated scenario; DataFileError naming source and line of the first problem."""
    scenario, problems = scenario_problems(text, source, intents, stem=stem)
    if problems:
        raise problems[0]
    assert scenario is not None
    return scenario


def scenario_from_text(text: str, label: str, intents: IntentIndex) -> Scenario:
    """A scenario typed in the editor or imported (no file name rule)."""
    return parse_scenario(text, label, intents)


def load_scenarios(*folders: Path, intents: IntentIndex) -> ScenarioSet:
    """Every ``*.yaml`` of the folders, in order (a later id replaces an earlier one); a
    broken file is reported in ``errors`` and the rest still load."""
    loaded = ScenarioSet()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            _load_file(loaded, path, intents)
    return loaded


def _load_file(loaded: ScenarioSet, path: Path, intents: IntentIndex) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        loaded.errors.append(DataFileError(path, None, f"cannot be read: {exc}"))
        return
    try:
        scenario = parse_scenario(text, path, intents, stem=path.stem)
    except DataFileError as exc:
        loaded.errors.append(exc)
        return
    loaded.scenarios[scenario.id] = scenario
    loaded.texts[scenario.id] = text
    loaded.origins[scenario.id] = "builtin"
