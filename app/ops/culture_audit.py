"""What in the culture data is due for a human check (``crossdesk culture audit``).

Facts go stale in two ways: nobody has looked at them for a long time (a law was
amended, a payment method closed), or a date they announce has arrived ("from 2027",
"a new data law takes effect on..."), so the sentence now reads wrong. Both are listed,
with the file and the place in it, so a reviewer can open the source and re-date it.
Qt-free: the command line and the tests call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app.culture.profile_schema import DataProtection, RequestDeadline
from app.culture.profiles import load_profiles
from app.culture.weekends import load_weekends
from app.knowledge.articles import load_articles

REVIEW_AGE_DAYS = 365  # a legal or payment fact unchecked for a year is due


@dataclass(frozen=True, slots=True)
class DueItem:
    """One fact to re-check: where it is, why it is due, and what it says."""

    where: str  # "resources/etiquette/profiles/IN.yaml: data_protection"
    reason: str  # "effective 2027-05-13 has passed; last verified 2026-12-01"
    text: str  # the fact, in English (the reviewer reads the source anyway)


def _due(verified: dt.date | None, effective: dt.date | None, today: dt.date, age: int) -> str:
    if verified is None:
        return "never verified"
    if effective is not None and verified < effective <= today:
        return f"took effect {effective.isoformat()}, last verified {verified.isoformat()}"
    if (today - verified).days > age:
        return f"last verified {verified.isoformat()}, more than {age} days ago"
    return ""


def audit(
    etiquette: Path, articles: Path, today: dt.date, max_age_days: int = REVIEW_AGE_DAYS
) -> tuple[list[DueItem], list[str]]:
    """The items due in the built-in data (and the files that could not be read)."""
    due: list[DueItem] = []
    profiles = load_profiles(etiquette / "profiles")
    problems = [str(error) for error in profiles.errors]
    for code, profile in profiles.profiles.items():
        path = etiquette / "profiles" / f"{code}.yaml"
        for where, item in profile.legal_facts():
            if isinstance(item, RequestDeadline):  # dated with its law: checked together
                if item.verified is None and not item.has_period:
                    continue  # no period claimed (its note says the team default applies)
                effective = profile.data_protection.effective if profile.data_protection else None
                reason = _due(item.verified, effective, today, max_age_days)
                text = f"request deadline: {item.summary()}"
            else:
                reason = _due(item.verified, item.effective, today, max_age_days)
                text = item.law.en if isinstance(item, DataProtection) else item.fact.en
            if reason:
                due.append(DueItem(f"{path}: {where}", reason, text))
    weekends, errors = load_weekends(etiquette / "weekends.yaml")
    problems += [str(error) for error in errors]
    for code, weekend in sorted(weekends.items()):
        reason = _due(weekend.verified, None, today, max_age_days)
        if reason:
            due.append(
                DueItem(f"{etiquette / 'weekends.yaml'}: {code}", reason, weekend.source_url)
            )
    loaded, errors = load_articles(articles)
    problems += [str(error) for error in errors]
    for article in loaded:
        verified = (
            dt.datetime.fromtimestamp(article.verified_at, dt.UTC).date()
            if article.verified_at is not None
            else None
        )
        reason = _due(verified, None, today, max_age_days)
        if reason:
            due.append(DueItem(f"{articles / article.uid}.md", reason, article.title))
    return due, problems
