"""``--view review``: once the main window shows the ``--open`` conversation, its review
opens; with ``--screenshot`` the review window is written once fully loaded."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.ui.review.window import ReviewWindow
from app.ui.shell.headless import screenshot_room

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow
    from app.ui.shell.startup import LaunchOptions


def arm_review(
    window: MainWindow,
    conversation_id: int | None,
    options: LaunchOptions,
    quit_with: Callable[[int], None],
    settled: Callable[[], bool],
) -> None:
    """Open the review of ``conversation_id`` (else of the conversation shown first)."""
    shown: list[ReviewWindow] = []
    loaded: list[int] = []

    def open_review(cid: int | None = None) -> None:
        target = conversation_id if conversation_id is not None else cid
        if shown or target is None:
            return
        review = window.review.open_review(target)
        review.loaded.connect(loaded.append)
        review.failed.connect(failed)
        if review.data is not None:  # already read (the inline runner of the tests)
            loaded.append(target)
        if options.size is not None:
            review.resize(*options.size)
        shown.append(review)

    def failed(reason: str) -> None:
        print(f"crossdesk: the review could not be shown: {reason}", file=sys.stderr)
        quit_with(2)

    if conversation_id is not None:
        window.review.refresh_roles()  # the write buttons follow the roles, read first
        window.conversation.loaded.connect(lambda _cid: open_review())
    else:
        window.conversation.loaded.connect(open_review)

    def ready() -> bool:
        return bool(shown and loaded and settled())

    screenshot_room(options.screenshot, ready, shown, quit_with)
