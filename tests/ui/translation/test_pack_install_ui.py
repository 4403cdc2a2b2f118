"""The pack manager refusing a broken pack over a good one (issue 9 §3), on the real dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ops.translation import TranslationService
from app.ui.translation.packs_dialog import PackManagerDialog
from tests.helpers import broken_packs
from tests.helpers.fixtures import ContextFactory
from tests.helpers.translation import Packs

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        (
            "model/config.json",
            "model/config.json is a folder; a language pack needs it to be a file",
        ),
        ("model/model.bin", "model/model.bin is a folder; a language pack needs it to be a file"),
    ],
)
def test_a_broken_pack_is_refused_with_the_reason_and_the_good_one_stays_listed(
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    packs: Packs,
    qtbot: QtBot,
    tmp_path: Path,
    relative: str,
    reason: str,
) -> None:
    engine = translation_service.engine
    engine.install(packs.get("en-es", transform="upper"))
    dialog = PackManagerDialog(make_ctx(translation=translation_service, agent_language="en"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    bad = broken_packs.build_file_as_folder_pack(tmp_path, relative)
    changed: list[None] = []
    dialog.changed.connect(lambda _changes: changed.append(None))

    dialog.install(bad)

    qtbot.waitUntil(lambda: dialog.install_button.isEnabled(), timeout=10000)
    assert dialog.status.text() == f"Not done: {bad.name}: {reason}"
    assert changed == []
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "English → Spanish"
    assert dialog.table.item(0, 1).text() == "1.0"
    assert [(p.pair, p.version) for p in engine.packs()] == [("en-es", "1.0")]
    route = engine.route("en", "es")
    assert engine.translate(["hello"], route)[0].text == "HELLO"
