"""The welcome dialog's answers: a plain value, so start-up can carry it without Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FirstRunChoices:
    """What the agent chose in the welcome dialog."""

    ui_language: str = "system"
    agent_language: str = "auto"
    sign_in: bool = False  # False: explore the demo workspace first
    pack_files: tuple[Path, ...] = field(default_factory=tuple)
