"""Installing a pack over a good one: a bad pack is refused and leaves no trace (issue 9 §3).

Every broken pack is built in the session (tests/helpers/broken_packs.py) and installed
over a working en->es pack through the real engine: the good pack must still be listed and
still translate, and nothing of the attempt (staging or replaced folders) may remain.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.translation.engine import TranslationEngine
from app.translation.offline import ArgosHome
from app.translation.packs import MAX_TOTAL_BYTES, PackError, inspect_pack, list_packs
from tests.helpers import broken_packs
from tests.helpers.translation import Packs


@pytest.fixture
def engine(argos_home: ArgosHome, packs: Packs) -> TranslationEngine:
    """An engine with a good en->es 1.0 pack (upper-casing, so its output is recognisable)."""
    engine = TranslationEngine(argos_home)
    engine.install(packs.get("en-es", transform="upper"))
    assert _translate(engine) == "HELLO THERE"
    return engine


def _translate(engine: TranslationEngine) -> str:
    return engine.translate(["hello there"], engine.route("en", "es"))[0].text


def _leftovers(home: ArgosHome) -> list[str]:
    """Anything an install left outside the packages folder (empty: no trace)."""
    return sorted(
        str(path.relative_to(home.root))
        for name in ("staging", "replaced")
        if (home.root / name).exists()
        for path in [home.root / name, *(home.root / name).rglob("*")]
    )


BROKEN: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "compression bomb under the size cap",
        lambda d: broken_packs.build_bomb_pack(d, 64 * 1024**2),
        r"model/extra\.bin would expand \d+ times",
    ),
    (
        "model.bin is a folder",
        lambda d: broken_packs.build_file_as_folder_pack(d, "model/model.bin"),
        r"model/model\.bin is a folder",
    ),
    (
        "config.json is a folder",
        lambda d: broken_packs.build_file_as_folder_pack(d, "model/config.json"),
        r"model/config\.json is a folder",
    ),
    (
        "sentencepiece.model is a folder",
        lambda d: broken_packs.build_file_as_folder_pack(d, "sentencepiece.model"),
        r"sentencepiece\.model is a folder",
    ),
    (
        "tokenizer is garbage",
        lambda d: broken_packs.build_garbage_file_pack(d, "sentencepiece.model"),
        r"the tokenizer sentencepiece\.model cannot be used",
    ),
    (
        "model.bin is garbage",
        lambda d: broken_packs.build_garbage_file_pack(d, "model/model.bin"),
        r"the translation model in model/ cannot be loaded",
    ),
    (
        "config.json is garbage",
        lambda d: broken_packs.build_garbage_file_pack(d, "model/config.json", size=512),
        r"the translation model in model/ cannot be loaded",
    ),
]


@pytest.mark.parametrize(("build", "reason"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_pack_over_a_good_one_is_refused_and_the_good_one_keeps_working(
    engine: TranslationEngine, tmp_path: Path, build: Callable[[Path], Path], reason: str
) -> None:
    before = sorted(p.name for p in engine.home.packages.iterdir())
    bad = build(tmp_path / "bad")
    with pytest.raises(PackError, match=reason) as refused:
        engine.install(bad)
    assert bad.name in str(refused.value)  # the message names the file
    assert "Traceback" not in str(refused.value)
    assert [(p.pair, p.version) for p in list_packs(engine.home)] == [("en-es", "1.0")]
    assert [(p.pair, p.version) for p in engine.packs()] == [("en-es", "1.0")]
    assert sorted(p.name for p in engine.home.packages.iterdir()) == before
    assert _translate(engine) == "HELLO THERE"
    assert _leftovers(engine.home) == []


def test_a_working_upgrade_still_replaces_the_pack_and_leaves_no_trace(
    engine: TranslationEngine, tmp_path: Path
) -> None:
    info = engine.install(broken_packs.build_good_upgrade(tmp_path))
    assert (info.pair, info.version) == ("en-es", "2.0")
    assert [(p.pair, p.version) for p in list_packs(engine.home)] == [("en-es", "2.0")]
    assert _translate(engine) == "hello there"  # the new (copying) model answers at once
    assert _leftovers(engine.home) == []


def test_the_reported_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    """The issue's 2.15 GB bomb (2.3 MB zipped): under the old 3 GiB cap, refused now."""
    bomb = broken_packs.build_bomb_pack(tmp_path, 2_150_000_000)
    assert bomb.stat().st_size < 3_000_000
    with pytest.raises(PackError, match=r"model/extra\.bin would (unpack to 2150\.0 MB|expand)"):
        inspect_pack(bomb)
    assert not any(p.name != bomb.name for p in tmp_path.iterdir())


def test_the_total_cap_matches_real_packs() -> None:
    # Real packs unpack to at most a few hundred MB; the old cap (3 GiB) let 2 GB through.
    assert 512 * 1024**2 < MAX_TOTAL_BYTES < 2_000_000_000


class _Crash(BaseException):
    """Stands for the process dying: nothing catches it, only ``finally`` blocks run."""


def test_a_crash_in_the_middle_of_the_swap_loses_neither_pack(
    engine: TranslationEngine, argos_home: ArgosHome, tmp_path: Path, monkeypatch
) -> None:
    real_rename = Path.rename

    def crashing_rename(self: Path, target: Path) -> Path:
        if Path(target).parent == argos_home.packages:  # the new pack moving into place
            raise _Crash
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", crashing_rename)
    with pytest.raises(_Crash):
        engine.install(broken_packs.build_good_upgrade(tmp_path))
    monkeypatch.undo()
    restarted = TranslationEngine(argos_home)  # the next start repairs the folder
    assert [(p.pair, p.version) for p in restarted.packs()] == [("en-es", "1.0")]
    assert _translate(restarted) == "HELLO THERE"
    assert _leftovers(argos_home) == []


def test_a_crash_after_the_swap_keeps_the_new_pack_and_drops_the_old(
    engine: TranslationEngine, argos_home: ArgosHome, tmp_path: Path, monkeypatch
) -> None:
    import app.translation.packs as packs_module

    real_rmtree = packs_module.shutil.rmtree

    def crashing_rmtree(path: Path, *args: object, **kwargs: object) -> None:
        if Path(path).parent == argos_home.root / "replaced":  # deleting the old pack
            raise _Crash
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(packs_module.shutil, "rmtree", crashing_rmtree)
    with pytest.raises(_Crash):
        engine.install(broken_packs.build_good_upgrade(tmp_path))
    monkeypatch.undo()
    restarted = TranslationEngine(argos_home)
    assert [(p.pair, p.version) for p in restarted.packs()] == [("en-es", "2.0")]
    assert _translate(restarted) == "hello there"
    assert _leftovers(argos_home) == []


def test_a_broken_folder_an_older_version_left_is_replaced_by_a_good_pack(
    argos_home: ArgosHome, packs: Packs
) -> None:
    junk = argos_home.packages / "translate-en_es"
    (junk / "model" / "model.bin").mkdir(parents=True)  # what the old installer left behind
    (junk / "metadata.json").write_text('{"from_code": "en", "to_code": "es"}')
    engine = TranslationEngine(argos_home)
    assert engine.packs() == []  # not listed as installed
    engine.install(packs.get("en-es", transform="upper"))
    assert _translate(engine) == "HELLO THERE"
    assert _leftovers(argos_home) == []
