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
