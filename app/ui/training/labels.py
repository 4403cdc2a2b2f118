"""Words and small values the training views share: a scenario's text in the UI
language, a country's flag, the names of moods, difficulties and endings, and which
language the trainee writes in. Qt-free, so the command line uses them too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.display import isolated
from app.domain.models import Channel
from app.i18n import N_, I18n

MOODS: dict[str, str] = {
    "calm": N_("Calm"),
    "friendly": N_("Friendly"),
    "worried": N_("Worried"),
    "annoyed": N_("Annoyed"),
    "angry": N_("Angry"),
    "hurried": N_("In a hurry"),
}

DIFFICULTIES: dict[int, str] = {1: N_("Easy"), 2: N_("Medium"), 3: N_("Hard")}

END_STATES: dict[str, str] = {
    "resolved": N_("Resolved"),
    "escalated": N_("Escalated"),
    "left": N_("The customer left"),
}

OUTCOMES: dict[str, str] = {
    "success": N_("Success"),
    "partial": N_("Partly successful"),
    "failure": N_("Failure"),
}

CRITERIA: dict[str, str] = {  # the shipped rubric's keys (a team's rubric brings its own)
    "greeting": N_("Greeting"),
    "empathy": N_("Empathy"),
    "etiquette": N_("Etiquette"),
    "solution": N_("Solution"),
    "tone": N_("Tone"),
    "translation": N_("Translation"),
    "closing": N_("Closing"),
    "speed": N_("Speed"),
}


def ui_key(i18n: I18n) -> str:
    """The key of a scenario's texts for this UI: ``"zh_CN"`` or ``"en"``."""
    return "zh_CN" if i18n.ui_locale.startswith("zh") else "en"


def trainee_language(i18n: I18n) -> str:
    """The language the trainee writes in: ``"zh"`` with a Chinese UI, else ``"en"``."""
    return "zh" if i18n.ui_locale.startswith("zh") else "en"


def translation_key(language: str) -> str:
    """The key of a customer turn's human translation for a trainee language."""
    return "zh_CN" if language.startswith("zh") else "en"


def local_text(value: Any, key: str) -> str:
    """A scenario's bilingual text (a mapping or a model with ``en``/``zh_CN``) in
    ``key``'s language, falling back to English."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        found = value.get(key) or value.get("en") or next(iter(value.values()), "")
        return str(found or "")
    for name in (key, "en"):
        found = getattr(value, name, None)
        if found:
            return str(found)
    return ""


def flag(country: str) -> str:
    """The country's flag as regional-indicator letters (``SA`` → 🇸🇦)."""
    code = country.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in code)


def country_text(i18n: I18n, country: str, flags: bool = True) -> str:
    """Flag and name, as the scenario list shows them; ``flags`` False (no font on this
    computer draws flags): the ISO code instead."""
    name = i18n.country_name(country) or country
    mark = flag(country) if flags else country.upper()[:2]
    return f"{mark} {name}" if mark else name


def mood_label(i18n: I18n, mood: str) -> str:
    return i18n._(MOODS[mood]) if mood in MOODS else mood


def difficulty_label(i18n: I18n, difficulty: int) -> str:
    return i18n._(DIFFICULTIES.get(difficulty, DIFFICULTIES[2]))


def end_state_label(i18n: I18n, state: str) -> str:
    return i18n._(END_STATES[state]) if state in END_STATES else state


def outcome_label(i18n: I18n, outcome: str) -> str:
    return i18n._(OUTCOMES[outcome]) if outcome in OUTCOMES else outcome


def criterion_label(i18n: I18n, key: str, label: str | None = None) -> str:
    """A rubric criterion's name: the given label translated, else the shipped one."""
    if label:
        return i18n._(label)
    return i18n._(CRITERIA[key]) if key in CRITERIA else key


def duration(seconds: float) -> str:
    """Scenario time as m:ss (1:05), or h:mm:ss past an hour."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def translation_of(step: Mapping[str, Any], language: str) -> str | None:
    """A customer turn's human translation in the trainee's language (any of the report's
    shapes: ``translations: {en, zh_CN}`` or ``translation: {text}``)."""
    found = step.get("translations")
    if isinstance(found, Mapping):
        text = found.get(translation_key(language))
        if isinstance(text, Mapping):  # {"text": ..., "kind": "human", "reviewed_by": ...}
            text = text.get("text")
        if text:
            return str(text)
    one = step.get("translation")
    if isinstance(one, Mapping) and one.get("text"):
        return str(one["text"])
    if isinstance(one, str) and one:
        return one
    return None


def channel_of(scenario: Any) -> Channel:
    try:
        return Channel(str(getattr(scenario.channel, "value", scenario.channel)))
    except ValueError:
        return Channel.WEB_CHAT


def persona_name(scenario: Any) -> str:
    """The persona's name as they write it, then its Latin spelling: "فهد الدوسري (Fahad
    Al-Dosari)", the native name isolated so it never turns the line around."""
    persona = scenario.persona
    display = getattr(persona, "display_name", None)
    if display and display != persona.name:
        return f"{isolated(persona.name, 120)} ({display})"
    return str(persona.name)
