"""The one place the shell sets process-wide garbage-collector policy.

A full collection walks every long-lived object of the app (Qt wrappers, pydantic's
validators, locale and holiday data: 40-80 ms) holding the GIL, so the window freezes
meanwhile. Once start-up is over, what it built is frozen: full passes no longer rescan
it. (The collector pause during a sync cycle still lives beside the cycle, in
``app.sync.engine``: the engine runs without the shell in tests and benchmarks.)
"""

from __future__ import annotations

import gc


def freeze_after_startup() -> None:
    """Start-up is over: what it built lives as long as the app; stop rescanning it."""
    gc.freeze()
