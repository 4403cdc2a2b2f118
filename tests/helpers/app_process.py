"""The desktop app run as its own process, the way a user or a script starts it."""

from __future__ import annotations

import subprocess
import sys


def run_app(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m app ARGS``; its output is kept (text) for the test to read."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
