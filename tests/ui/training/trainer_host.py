"""A stand-in for the training window when a test drives one of the trainer's dialogs:
the real scenarios and records (loaded through the ops, as the window loads them), and a
note of what the dialogs asked the window to do (reload, test-play)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from PySide6.QtWidgets import QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from app.config.paths import resources_dir
from app.domain.review import Role
from app.domain.training import PlayOptions
from app.ops import review, training
from app.ops.context import AppContext
from app.ops.training_play import TrainingData, load_training
from app.storage.store import Store
from tests.helpers.builders import add_agents
from tests.helpers.fixtures import ContextFactory


class TrainerHost(QWidget):
    """Has what ``app.ui.training.trainer.Host`` names."""

    def __init__(self, ctx: AppContext, is_trainer: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.is_trainer = is_trainer
        self.training_data: TrainingData | None = None
        self.played: list[tuple[Any, PlayOptions]] = []
        self.reloads = 0
        self.reload_scenarios()
        self.reloads = 0

    def reload_scenarios(self) -> None:
        self.reloads += 1
        self.ctx.tasks.run_store(training.saved_scenarios, self._load)

    def _load(self, saved: list[tuple[str, str]]) -> None:
        self.training_data = load_training(self.ctx.paths, saved)

    def play_scenario(self, scenario: Any, options: PlayOptions) -> None:
        self.played.append((scenario, options))


def trainer_desk(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot, roles: tuple[Role, ...] = (Role.TRAINER,)
) -> tuple[TrainerHost, dict[str, int]]:
    """The agents "me" (with ``roles``) and "colleague", and a host for "me" (closed with
    the test, with the dialogs it parents)."""
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], roles)
    host = TrainerHost(make_ctx(), is_trainer=bool(set(roles) & set(training.TRAINER_ROLES)))
    qtbot.addWidget(host)
    return host, agents


def template() -> str:
    return (resources_dir() / "training" / "template.yaml").read_text(encoding="utf-8")


def template_as(scenario_id: str, title: str = "A parcel that has not arrived") -> str:
    """The template with another id and English title (still valid)."""
    text = template().replace("id: new-scenario ", f"id: {scenario_id} ", 1)
    return text.replace('en: "A parcel that has not arrived"', f'en: "{title}"', 1)


def builtin_text(scenario_id: str) -> str:
    return (resources_dir() / "training" / "scenarios" / f"{scenario_id}.yaml").read_text(
        encoding="utf-8"
    )


def a_builtin_id() -> str:
    """The first bundled scenario (by id)."""
    folder = resources_dir() / "training" / "scenarios"
    return sorted(p.stem for p in folder.glob("*.yaml"))[0]


def as_json(text: str) -> str:
    """The same scenario as a JSON file."""
    import json

    return json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=1)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def cell(table: QTableWidget, row: int, column: int) -> str:
    """The text of a table cell as shown."""
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
