"""Schema of the etiquette profiles in ``resources/etiquette/profiles/*.yaml``.

One file per country or region (ISO 3166-1 alpha-2 code as the file name). What an
agent may say to a customer must be accurate: every law, period and right cites a
source from the file's ``sources``; where a fact is uncertain it is left out.
Profiles merge in layers (built-in < team < region overlay): mappings merge key by
key, lists and scalars of a later layer replace the earlier ones.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from app.contract.codes import Country, Language, TimeZone
from app.contract.datafile import Strict

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time of day like '09:00'")
    return value


LanguageTag = Language
ClockTime = Annotated[str, AfterValidator(_clock)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")]
Observance = Literal["ramadan", "eid_al_fitr", "eid_al_adha", "islamic_new_year"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Source(Strict):
    id: SourceId
    title: Text
    url: Annotated[str, Field(pattern=r"^https://\S+$")]


class LanguageUse(Strict):
    tag: LanguageTag
    formality: Text  # how formal to write (the register), in this language, to this market


class Phrase(Strict):
    """A greeting or sign-off written in the local language, with what it means."""

    text: Text
    language: LanguageTag
    meaning: Text  # in English
    use: str | None = None  # when it fits (formal e-mail, chat, a complaint...)


class Address(Strict):
    """Forms of address: T/V, honorifics, name order."""

    advice: Text
    formal_by_default: bool  # surname + title expected; first-name address reads as rude
    tv_distinction: str | None = None  # e.g. "Sie (formal) vs du (informal): use Sie"
    honorifics: list[Text] = Field(default_factory=list)
    family_name_first: bool = False


class Communication(Strict):
    style: Literal["direct", "indirect", "mixed"]
    context: Literal["high", "medium", "low"]
    saying_no: Text
    apologising: Text
    notes: list[Text] = Field(default_factory=list)


class Fact(Strict):
    """A checkable statement an agent may repeat to a customer, with its source."""

    fact: Text
    source: SourceId


class DataProtection(Strict):
    law: Text  # the real name (and common abbreviation)
    rights: list[Text] = Field(min_length=1)
    source: SourceId
    notes: list[Fact] = Field(default_factory=list)


class Mourning(Strict):
    """A declared period of national mourning (a team adds it in an overlay when it is
    announced: no library knows these in advance)."""

    start: dt.date
    end: dt.date
    reason: Text

    @model_validator(mode="after")
    def _ordered(self) -> Mourning:
        if self.end < self.start:
            raise ValueError("a mourning period ends before it starts")
        return self


class BusinessHours(Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "18:00"


class Profile(Strict):
    """Everything the side panel says about writing to customers in one country."""

    country: Country
    name: Text
    timezone: TimeZone
    business_hours: BusinessHours = BusinessHours()
    # Only where CLDR's week data is wrong for customer service (cite it in sources).
    weekend: list[Weekday] | None = None
    languages: list[LanguageUse] = Field(min_length=1)
    greetings: list[Phrase] = Field(min_length=1)
    sign_offs: list[Phrase] = Field(min_length=1)
    address: Address
    communication: Communication
    service_expectations: list[Text] = Field(min_length=1)
    channels: list[Text] = Field(min_length=1)
    payments: list[Text] = Field(min_length=1)
    consumer_rights: list[Fact] = Field(default_factory=list)
    data_protection: DataProtection | None = None
    sensitivities: list[Text] = Field(default_factory=list)
    observances: list[Observance] = Field(default_factory=list)  # Islamic calendar, widely kept
    mourning: list[Mourning] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources_resolve(self) -> Profile:
        known = {source.id for source in self.sources}
        cited = [fact.source for fact in self.consumer_rights]
        if self.data_protection is not None:
            cited.append(self.data_protection.source)
            cited += [fact.source for fact in self.data_protection.notes]
        missing = sorted(set(cited) - known)
        if missing:
            raise ValueError(f"cites sources not listed under 'sources': {', '.join(missing)}")
        return self


def merge_layers(*layers: dict[str, Any]) -> dict[str, Any]:
    """Built-in < team < region overlay: mappings merge by key, anything else replaces."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge_layers(merged[key], value)
            else:
                merged[key] = value
    return merged
