"""What ``crossdesk training`` prints: the scenario rows (``list``) and a readable
debrief of a headless play (``play`` without ``--json``), in the UI language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.i18n import I18n
from app.ui.shell.labels import channel_label
from app.ui.training.labels import (
    channel_of,
    criterion_label,
    duration,
    end_state_label,
    local_text,
    outcome_label,
    translation_of,
    ui_key,
)


def scenario_rows(i18n: I18n, data: Any) -> list[dict[str, Any]]:
    """One row per scenario (title in the UI language), by id."""
    key = ui_key(i18n)
    origins = getattr(data.scenarios, "origins", {}) or {}
    rows = []
    for scenario_id, scenario in sorted(data.scenarios.scenarios.items()):
        rows.append(
            {
                "id": scenario_id,
                "title": local_text(scenario.title, key),
                "country": scenario.country,
                "language": scenario.language,
                "channel": channel_of(scenario).value,
                "difficulty": int(scenario.difficulty),
                "version": int(scenario.version),
                "origin": origins.get(scenario_id, "builtin"),
            }
        )
    return rows


def _findings(report: Mapping[str, Any]) -> dict[int, list[Mapping[str, Any]]]:
    found: dict[int, list[Mapping[str, Any]]] = {}
    for finding in report.get("findings") or []:
        found.setdefault(int(finding.get("reply", 0)), []).append(finding)
    return found


def play_text(i18n: I18n, report: Mapping[str, Any], scenario: Any) -> str:
    """The debrief as plain text: transcript with findings, ending, path, scores, model
    answer."""
    _ = i18n._
    key = ui_key(i18n)
    language = str(report.get("trainee_language") or "en")
    lines = [
        _("Scenario: {title} ({id}, version {version})").format(
            title=local_text(scenario.title, key),
            id=scenario.id,
            version=report.get("version", scenario.version),
        ),
        " · ".join(
            [
                i18n.country_name(scenario.country),
                i18n.language_name(scenario.language),
                channel_label(i18n, channel_of(scenario)),
            ]
        ),
        "",
    ]
    findings = _findings(report)
    reply = 0
    for step in report.get("transcript") or []:
        at = duration(float(step.get("at") or 0))
        if step.get("who") == "customer":
            who = _("Customer reminder") if step.get("nudge") else _("Customer")
            lines.append(f"{who} [{at}]: {step.get('text', '')}")
            text = translation_of(step, language)
            if text:
                label = _("Author's translation")
                lines.append(f"    {label}: {text}")
            continue
        reply += 1
        response = step.get("response_seconds")
        after = (
            ", " + _("answered after {time}").format(time=duration(float(response)))
            if response is not None
            else ""
        )
        title = _("Your reply {n}").format(n=reply)
        lines.append(f"{title} [{at}{after}]: {step.get('text', '')}")
        for finding in findings.get(reply, []):
            lines.append(
                f"    ⚠ “{finding.get('excerpt', '')}”: {finding.get('explanation', '')} "
                + _("Try: {suggestion}").format(suggestion=finding.get("suggestion", ""))
            )
    ending = report.get("ending") or {}
    lines += [
        "",
        _("Ending: {state} · {outcome}").format(
            state=end_state_label(i18n, str(ending.get("state", ""))),
            outcome=outcome_label(i18n, str(ending.get("outcome", ""))),
        ),
    ]
    if ending.get("note"):
        lines.append(f"    {ending['note']}")
    path = " → ".join(str(p) for p in report.get("path") or [])
    lines.append(_("Path: {path}").format(path=path))
    lines += ["", _("Score: {score} / 100").format(score=i18n.number(report.get("score", 0)))]
    for item in report.get("criteria") or []:
        label = criterion_label(i18n, str(item.get("key", "")), item.get("label"))
        lines.append(f"    {label}: {item.get('points')}/{item.get('scale')}")
        lines.extend(f"        - {reason}" for reason in item.get("reasons") or [])
    expectations = report.get("expectations") or []
    if expectations:
        lines += ["", _("What this scenario expected:")]
        for item in expectations:
            mark = "✓" if item.get("met") else "✗"
            lines.append(f"    {mark} {item.get('label', '')}")
    model = report.get("model_answer") or []
    if model:
        lines += ["", _("Model answer (by the scenario author):")]
        lines.extend(f"    {line}" for line in model)
    return "\n".join(lines)
