"""Practice scenarios for the training window and the CLI (compute lane, Qt-free).

Loads the built-in scenarios and the trainers' saved ones, and starts a play bound to the
real draft checker as a customer of the scenario's country would be checked at the
scenario's moment (so a Ramadan scenario is checked during Ramadan). Nothing here writes
to the store: a play lives in memory; only a finished attempt is recorded, by
:mod:`app.ops.training`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config.paths import Paths, resources_dir
from app.domain.errors import N_
from app.domain.models import Customer
from app.domain.review import Rubric
from app.domain.training import TrainingError
from app.ops.culture import CultureData, check_draft, customer_culture

if TYPE_CHECKING:  # pydantic models: imported on the compute lane by load_training only
    from app.culture.checker import Finding
    from app.training.engine import Play
    from app.training.intents import IntentIndex
    from app.training.schema import Scenario, ScenarioSet

MAX_HEADLESS_REPLIES = 20


def scenarios_folder() -> Path:
    return resources_dir() / "training" / "scenarios"


def intents_file() -> Path:
    return resources_dir() / "training" / "intents.yaml"


@dataclass
class TrainingData:
    """Loaded once on the compute lane, then read-only (reload after a save or import)."""

    scenarios: ScenarioSet
    intents: IntentIndex
    rubric: Rubric | None = None  # the shipped rubric; the team's comes from app.ops.review

    def scenario(self, scenario_id: str) -> Scenario:
        found = self.scenarios.scenarios.get(scenario_id)
        if found is None:
            raise TrainingError(N_("There is no scenario “{id}”."), id=scenario_id)
        return found


@cache
def _builtin_intents() -> IntentIndex:
    from app.training.intents import load_intents

    return load_intents(intents_file())


def load_training(paths: Paths, saved: Iterable[tuple[str, str]] = ()) -> TrainingData:
    """Built-in scenarios, then the store's trainer-saved texts ``(uid, yaml)`` (a saved
    scenario with a built-in's id replaces it); broken ones are listed in ``errors``."""
    from app.ops.review import default_rubric
    from app.training.schema import load_scenarios

    del paths  # the scenarios are bundled or saved in the store; kept for symmetry
    intents = _builtin_intents()
    loaded = load_scenarios(scenarios_folder(), intents=intents)
    for uid, text in saved:
        loaded.add_text(text, f"saved scenario {uid}", intents, origin="saved")
    return TrainingData(loaded, intents, default_rubric())


def _timezone_for(scenario: Scenario, profile_zone: str | None) -> str:
    """The customer's zone: the profile's when it has the moment's offset at that moment,
    else a fixed zone with that offset (so local time is the scenario's local time)."""
    offset = scenario.moment.utcoffset() or dt.timedelta(0)
    if profile_zone:
        try:
            zone = zoneinfo.ZoneInfo(profile_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None and scenario.moment.astimezone(zone).utcoffset() == offset:
            return profile_zone
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and -12 <= hours <= 14:
        # POSIX-style names: Etc/GMT-3 is three hours *ahead* of UTC.
        return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return profile_zone or "Etc/UTC"


def persona_customer(culture: CultureData, scenario: Scenario) -> Customer:
    """An in-memory customer for the persona (never stored)."""
    profile = culture.profiles.get(scenario.country)
    zone = _timezone_for(scenario, profile.timezone if profile else None)
    return Customer(
        id=0,
        uid=f"training:{scenario.id}",
        name=scenario.persona.display_name or scenario.persona.name,
        country=scenario.country,
        language=scenario.language,
        timezone=zone,
    )


def start_play(
    data: TrainingData,
    culture: CultureData,
    scenario_id: str | Scenario,
    *,
    trainee_language: str,
    ui_language: str,
) -> Play:
    """A new play (not started: call ``start()``), its checker bound to the scenario's
    customer and moment. ``scenario_id`` may be a Scenario (a trainer's test-play)."""
    from app.training.engine import Play
    from app.training.intents import reply_language

    scenario = data.scenario(scenario_id) if isinstance(scenario_id, str) else scenario_id
    lang = "zh" if trainee_language.lower().startswith("zh") else "en"
    customer = persona_customer(culture, scenario)
    situation = customer_culture(culture, customer, scenario.epoch)

    def check(text: str) -> Sequence[Finding]:
        return check_draft(
            culture,
            text,
            draft_language=reply_language(text, lang),
            culture=situation,
            customer_locale=scenario.language,
            ui_language=ui_language,
        )

    return Play(scenario, data.intents, check, lang)


def headless_play(
    data: TrainingData,
    culture: CultureData,
    scenario_id: str,
    replies: Sequence[str],
    waits: Sequence[float] = (),
    trainee_language: str = "en",
    ui_language: str = "en",
    rubric: Rubric | None = None,
) -> dict[str, Any]:
    """Play the replies (each after its wait, default 30 scenario seconds) and return the
    scored play as JSON. Replies after the customer has left or the play ended are not
    played. Raises TrainingError for an unknown scenario or an empty/too long reply."""
    from app.training.report import play_json
    from app.training.scoring import score_play

    if len(replies) > MAX_HEADLESS_REPLIES:
        raise TrainingError(
            N_("At most {limit} replies can be played."), limit=MAX_HEADLESS_REPLIES
        )
    if any(w < 0 for w in waits):
        raise TrainingError(N_("A wait cannot be negative."))
    play = start_play(
        data, culture, scenario_id, trainee_language=trainee_language, ui_language=ui_language
    )
    play.start()
    for i, text in enumerate(replies):
        if play.finished:
            break
        play.advance(waits[i] if i < len(waits) else 30.0)
        if play.finished:
            break
        play.reply(text)
    chosen = rubric or data.rubric
    if chosen is None:
        from app.ops.review import default_rubric

        chosen = default_rubric()
    return play_json(play, score_play(play, chosen), ui_language)
