"""Translatable names of the review's enums and one-line texts for findings and
annotations (shared by the transcript, the annotation panel and the feedback view)."""

from __future__ import annotations

from app.domain.review import Annotation, AnnotationKind, ReviewState, SentFinding, Severity
from app.i18n import N_, I18n

KINDS: dict[AnnotationKind, str] = {
    AnnotationKind.MISTRANSLATION: N_("Mistranslation"),
    AnnotationKind.AGENT_ERROR: N_("Agent error"),
    AnnotationKind.ETIQUETTE: N_("Etiquette / culture"),
    AnnotationKind.TONE: N_("Tone"),
    AnnotationKind.PRAISE: N_("Praise"),
    AnnotationKind.NOTE: N_("Note"),
}

SEVERITIES: dict[Severity, str] = {
    Severity.MINOR: N_("Minor"),
    Severity.MAJOR: N_("Major"),
    Severity.CRITICAL: N_("Critical"),
}

STATES: dict[ReviewState, str] = {
    ReviewState.DRAFT: N_("In progress"),
    ReviewState.DONE: N_("Done"),
}

MAX_LINE_CHARS = 400  # one line under a message; the panel shows the whole text


def kind_label(i18n: I18n, kind: AnnotationKind) -> str:
    return i18n._(KINDS[kind])


def severity_label(i18n: I18n, severity: Severity) -> str:
    return i18n._(SEVERITIES[severity])


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def annotation_line(i18n: I18n, annotation: Annotation) -> str:
    """ "● Mistranslation (major) — body → correction [in memory]", on one line."""
    _ = i18n._
    parts = [
        _("{kind} ({severity})").format(
            kind=kind_label(i18n, annotation.kind),
            severity=severity_label(i18n, annotation.severity),
        )
    ]
    if annotation.body:
        parts.append(_short(annotation.body))
    if annotation.correction:
        parts.append(_("corrected: {text}").format(text=_short(annotation.correction)))
    if annotation.reference:
        parts.append(_("concerns: {reference}").format(reference=_short(annotation.reference)))
    if annotation.promoted == "memory":
        parts.append(_("in translation memory"))
    elif annotation.promoted == "glossary":
        parts.append(_("in glossary"))
    mark = "★" if annotation.kind is AnnotationKind.PRAISE else "●"
    return f"{mark} " + " — ".join(parts)


def finding_line(i18n: I18n, finding: SentFinding) -> str:
    """A draft-check finding the agent saw when sending."""
    return "⚠ " + i18n._("Draft check when sent: {rule} “{excerpt}”").format(
        rule=finding.rule_id, excerpt=_short(finding.excerpt)
    )
