"""``crossdesk --demo --view review --open ID --screenshot F.png`` renders the review."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app_process import run_app, screenshot_view

pytestmark = pytest.mark.gui


def test_the_review_view_is_rendered_at_the_asked_size(tmp_path: Path) -> None:
    image, colours = screenshot_view(tmp_path, "review", (1366, 768), "--open", "jp-0001")
    assert (image.width(), image.height()) == (1366, 768)  # the review window, not the inbox
    assert len(colours) > 20  # a populated view, not a blank canvas


def test_an_unknown_view_is_refused_with_the_choices(tmp_path: Path) -> None:
    result = run_app("--data-dir", str(tmp_path / "d"), "--view", "nowhere")
    assert result.returncode == 2
    assert "invalid choice: 'nowhere'" in result.stderr and "review" in result.stderr
