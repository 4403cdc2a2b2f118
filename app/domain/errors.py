"""Errors that carry a message for the user, translatable by the UI.

Lower layers cannot translate (they do not know the UI language), so they raise
with an English template marked for extraction and its values; ``str(error)``
is the English text (logs, tests), and the UI shows ``i18n._(template)`` filled
with the same values.
"""

from __future__ import annotations

from typing import Any


class LocalizedError(Exception):
    """An error whose message is ``template.format(**params)``, in any UI language."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


def N_(message: str) -> str:  # noqa: N802 - marks a msgid (the domain cannot import i18n)
    return message


class ReplyWindowClosedError(LocalizedError):
    """A free-form reply on a channel whose customer-service window has closed (WhatsApp,
    Messenger): the channel would not deliver it, so it is refused before anything is
    written. ``template_allowed``: an approved template can still reach the customer."""

    def __init__(self, hours: int, template_allowed: bool) -> None:
        self.template_allowed = template_allowed
        if template_allowed:
            super().__init__(
                N_(
                    "The {hours}-hour reply window has closed: a free-form reply will not be"
                    " delivered. Send an approved template instead."
                ),
                hours=hours,
            )
        else:
            super().__init__(
                N_(
                    "The {hours}-hour reply window has closed: a free-form reply will not be"
                    " delivered until the customer writes again."
                ),
                hours=hours,
            )
