"""A trainer imports a folder of scenario files, good and broken: the good ones are saved
(YAML or JSON) and listed, the summary names every refused file with its line and why;
exporting writes the scenario's YAML text as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ops import training
from app.storage.store import Store
from app.ui.training.transfer import ImportSummaryDialog, export_scenario, import_scenarios
from tests.ui.training.trainer_host import (
    TrainerHost,
    a_builtin_id,
    as_json,
    cell,
    line_of,
    template_as,
    write,
)

pytestmark = pytest.mark.gui


def test_importing_a_folder_saves_the_good_files_and_names_the_broken_ones(
    repo: Store,
    host: TrainerHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    write(folder, "a-good.yaml", template_as("us-parcel-one"))
    write(folder, "b-good.json", as_json(template_as("us-parcel-two")))
    bad_goto = template_as("us-parcel-three").replace("goto: asks_again", "goto: nowhere")
    write(folder, "c-bad-goto.yml", bad_goto)
    write(folder, "d-not-yaml.yaml", "id: broken\nturns: [unclosed\n")
    write(folder, "e-huge.yaml", "# " + "x" * (300 * 1024) + "\n" + template_as("us-parcel-4"))
    write(folder, "f-notes.txt", "not a scenario")
    write(folder, "g-same-id.yaml", template_as("us-parcel-one", "A second one"))
    chosen = sorted(str(p) for p in folder.iterdir())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (chosen, ""))

    job = import_scenarios(host, host)
    assert job is not None and job.summary is not None
    summary = job.summary
    assert sorted(sid for _file, sid in summary.imported) == ["us-parcel-one", "us-parcel-two"]
    refused = {r.file: r for r in summary.refused}
    assert sorted(refused) == [
        "c-bad-goto.yml",
        "d-not-yaml.yaml",
        "e-huge.yaml",
        "f-notes.txt",
        "g-same-id.yaml",
    ]
    assert refused["c-bad-goto.yml"].line == line_of(bad_goto, "goto: nowhere")
    assert "nowhere" in refused["c-bad-goto.yml"].reason
    assert refused["d-not-yaml.yaml"].line in (2, 3)
    assert "256 KB" in refused["e-huge.yaml"].reason
    assert ".yaml" in refused["f-notes.txt"].reason
    assert "us-parcel-one" in refused["g-same-id.yaml"].reason

    stored = dict(training.saved_scenarios(repo))
    assert sorted(stored) == ["us-parcel-one", "us-parcel-two"]
    assert host.reloads == 1 and host.training_data is not None
    assert {"us-parcel-one", "us-parcel-two"} <= set(host.training_data.scenarios.scenarios)

    dialog = job.dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    assert dialog.headline.text() == "Imported 2 scenarios. Refused 5 files."
    rows = {
        cell(dialog.table, r, 0): (
            cell(dialog.table, r, 1),
            cell(dialog.table, r, 2),
        )
        for r in range(dialog.table.rowCount())
    }
    assert rows["c-bad-goto.yml"][0] == str(line_of(bad_goto, "goto: nowhere"))
    assert rows["e-huge.yaml"] == ("", refused["e-huge.yaml"].reason)


def test_nothing_chosen_imports_nothing(
    repo: Store, host: TrainerHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([], ""))
    assert import_scenarios(host, host) is None
    assert training.saved_scenarios(repo) == []


def test_export_writes_the_scenarios_yaml_text(
    host: TrainerHost,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sid = a_builtin_id()
    target = tmp_path / "out" / "mine"  # no suffix: ".yaml" is added
    target.parent.mkdir()
    asked: list[str] = []

    def save_name(_parent: QWidget, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    written = export_scenario(host, host, sid)
    assert asked == [f"{sid}.yaml"]
    assert written == target.with_suffix(".yaml")
    assert host.training_data is not None
    assert written.read_text(encoding="utf-8") == host.training_data.scenarios.texts[sid]
