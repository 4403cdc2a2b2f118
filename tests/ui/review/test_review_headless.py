"""``crossdesk --demo --view review --open ID --screenshot F.png`` renders the review."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app_process import run_app

pytestmark = pytest.mark.gui


def test_the_review_view_is_rendered_at_the_asked_size(tmp_path: Path) -> None:
    target = tmp_path / "review.png"
    result = run_app(
        "--demo",
        "--data-dir",
        str(tmp_path / "d"),
        "--view",
        "review",
        "--open",
        "jp-0001",
        "--size",
        "1366x768",
        "--screenshot",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1366, 768)  # the review window, not the inbox
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    assert len(colours) > 20  # a populated view, not a blank canvas


def test_an_unknown_view_is_refused_with_the_choices(tmp_path: Path) -> None:
    result = run_app("--data-dir", str(tmp_path / "d"), "--view", "nowhere")
    assert result.returncode == 2
    assert "invalid choice: 'nowhere'" in result.stderr and "review" in result.stderr
