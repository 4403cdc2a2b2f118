"""Approved message templates (WhatsApp): their placeholders and how they are filled
(Qt-free).

A template's body holds placeholders written ``{{1}}`` (WhatsApp's positional form) or
``{{order_number}}`` (named). The agent fills every one; what is sent is exactly
:func:`fill`'s text, which is also what the picker's preview shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.-]{1,64})\s*\}\}")
MAX_VALUE_CHARS = 200  # one variable's value
MAX_VARIABLES = 20
MAX_TEMPLATES = 500  # kept per workspace (a list from outside is bounded)
MAX_TEMPLATE_BODY = 4096


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """One approved template, as the store keeps it."""

    uid: str
    name: str
    channel: str
    language: str
    body: str
    variables: tuple[str, ...] = field(default_factory=tuple)


class TemplateValueError(ValueError):
    """A value the template cannot be sent with; ``variable`` names it, ``reason`` says why
    ("missing", "too_long", "line_break")."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def placeholders(body: str) -> tuple[str, ...]:
    """The body's placeholder names, in order of first appearance, each once."""
    return tuple(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(body)))


def variables_of(template: MessageTemplate) -> tuple[str, ...]:
    """What the agent fills: the declared variables, then any other placeholder in the
    body (a server that forgot one must not send ``{{2}}`` to the customer)."""
    return tuple(dict.fromkeys((*template.variables, *placeholders(template.body))))[:MAX_VARIABLES]


def check_value(variable: str, value: str) -> str:
    """The value as it will be sent (trimmed), or TemplateValueError: required, one line
    (a parameter is a fragment of a sentence), at most MAX_VALUE_CHARS."""
    text = value.strip()
    if not text:
        raise TemplateValueError(variable, "missing")
    if "\n" in text or "\r" in text or "\t" in text:
        raise TemplateValueError(variable, "line_break")
    if len(text) > MAX_VALUE_CHARS:
        raise TemplateValueError(variable, "too_long")
    return text


def preview(template: MessageTemplate, values: dict[str, str]) -> str:
    """The body with what is filled in so far; an empty value shows its placeholder."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1), "").strip()
        return value if value else match.group(0)

    return PLACEHOLDER.sub(one, template.body)


def fill(template: MessageTemplate, values: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The text to send and the checked values; TemplateValueError for the first bad one."""
    checked = {name: check_value(name, values.get(name, "")) for name in variables_of(template)}
    return PLACEHOLDER.sub(lambda m: checked.get(m.group(1), m.group(0)), template.body), checked


@dataclass(frozen=True, slots=True)
class TemplateUse:
    """The template a reply was filled from, for the server (``template`` on the wire)."""

    uid: str
    name: str
    language: str
    parameters: tuple[tuple[str, str], ...]
