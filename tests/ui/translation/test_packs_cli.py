"""``crossdesk packs install|list``: real pack files installed through the same operation as
the pack manager, a refused file named on one line while the others install, and the
machine-wide folder IT pre-seeds, listed and used but never changed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.ops.translation import TranslationService
from app.translation.api import ArgosHome, PackError
from app.ui.shell.bootstrap import main
from app.ui.translation import packs_cli
from tests.helpers import broken_packs
from tests.helpers.translation import PATTERNS, Packs

SYSTEM_ENV = "CROSSDESK_SYSTEM_PACKS"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(SYSTEM_ENV, "")  # no machine-wide folder unless a test sets one
    return tmp_path / "data"


def _list(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["--data-dir", str(data_dir), "packs", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _unpack(pack_file: Path, folder: Path) -> Path:
    """Unpack a pack file as IT would into the machine-wide folder."""
    with zipfile.ZipFile(pack_file) as archive:
        archive.extractall(folder)
        top = archive.namelist()[0].split("/")[0]
    return folder / top


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def test_install_several_files_one_broken_the_others_install(
    data_dir: Path, packs: Packs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = broken_packs.build_garbage_file_pack(tmp_path, "model/model.bin")
    code = main(
        ["packs", "install", str(packs["es-en"]), str(broken), str(packs["en-de"]),
         "--data-dir", str(data_dir)]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    installed = [line for line in out.splitlines() if line.startswith("installed ")]
    assert [line.split("\t")[0] for line in installed] == ["installed es→en", "installed en→de"]
    refusal = [line for line in err.splitlines() if broken.name in line]
    assert len(refusal) == 1 and refusal[0].startswith("crossdesk packs install: ")
    assert "Traceback" not in err
    assert "1 of 3 file(s) not installed" in err
    listed = _list(data_dir, capsys)
    pairs = [(p["from"], p["to"], p["where"]) for p in listed["packs"]]
    assert sorted(pairs) == [("en", "de", "user"), ("es", "en", "user")]
    assert listed["folders"]["user"] == str(data_dir / "translation" / "packages")


def test_a_missing_file_and_a_non_pack_are_named_and_the_exit_code_is_1(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.argosmodel"
    text.write_text("not a zip", encoding="utf-8")
    missing = tmp_path / "gone.argosmodel"
    code = main(["--data-dir", str(data_dir), "packs", "install", str(missing), str(text)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"crossdesk packs install: {missing} is not a file"
    assert lines[1] == (
        "crossdesk packs install: notes.argosmodel is not a language pack (not a zip archive)"
    )
    assert _list(data_dir, capsys)["packs"] == []


def test_too_many_files_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [f"p{i}.argosmodel" for i in range(packs_cli.MAX_FILES + 1)]
    assert main(["--data-dir", str(data_dir), "packs", "install", *files]) == 2
    assert "at most 200 files" in capsys.readouterr().err


def test_list_without_packs_says_so_and_names_the_folders(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "packs", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "No language pack is installed.",
        f"(user packs: {data_dir / 'translation' / 'packages'}; machine-wide packs: none)",
    ]


def test_the_machine_wide_folder_is_listed_used_and_never_changed(
    data_dir: Path,
    packs: Packs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    system = tmp_path / "system-packs"
    seeded = _unpack(packs["es-en"], system)
    monkeypatch.setenv(SYSTEM_ENV, str(system))
    before = _tree(system)

    listed = _list(data_dir, capsys)
    assert [(p["from"], p["to"], p["where"], p["folder"]) for p in listed["packs"]] == [
        ("es", "en", "machine-wide", str(seeded))
    ]
    assert listed["folders"]["machine_wide"] == str(system)

    # used: the engine translates through the machine-wide pack
    service = TranslationService(ArgosHome(data_dir / "translation"), PATTERNS)
    route = service.route("es", "en")
    assert [step.folder for step in route.steps] == [seeded]
    assert [t.text for t in service.engine.translate(["Hola, mundo."], route)] == ["Hola, mundo."]
    # never removed by the app
    with pytest.raises(PackError):
        service.engine.uninstall(route.steps[0])

    # a user's pack of the same pair wins; the machine-wide one stays as it was
    assert main(["--data-dir", str(data_dir), "packs", "install",
                 str(packs.get("es-en", version="2.0"))]) == 0  # fmt: skip
    capsys.readouterr()
    listed = _list(data_dir, capsys)
    assert [(p["from"], p["to"], p["version"], p["where"]) for p in listed["packs"]] == [
        ("es", "en", "2.0", "user")
    ]
    assert _tree(system) == before
