"""The real application for the benchmarks, with the workspace key fixed: ``plain`` opens a
named workspace without encryption (the baseline encryption is measured against, as every
version before it ran), ``keychain`` opens an encrypted one with :data:`KEY` as if the OS
keychain held it (this container has no keychain; a real one answers in a few ms, once).

    python tests/perf/keyed_app.py plain|keychain [crossdesk arguments]

Benchmark-only: the application itself has no way to open a named workspace unencrypted.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KEY_BYTES = bytes(range(32))  # the encrypted benchmark store's key (a keychain-style raw key)
MODES = ("plain", "keychain")


def fix_key(mode: str) -> None:
    """Patch the key lookup of every workspace opened after this call in this process."""
    from app.ops import workspace_keys
    from app.ops.types import WorkspaceKey
    from app.ui.shell.workspace_key import KeyGate

    if mode == "plain":
        KeyGate.encrypted = property(lambda _self: False)  # type: ignore[method-assign, assignment]
    elif mode == "keychain":
        key = WorkspaceKey.from_raw(KEY_BYTES)
        workspace_keys.keychain_problem = lambda: None
        workspace_keys.key_for = lambda _path, *, create: key  # type: ignore[assignment]
    else:
        raise SystemExit(f"keyed_app: mode is one of {', '.join(MODES)}, not {mode!r}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    fix_key(sys.argv[1] if len(sys.argv) > 1 else "")
    from app.ui.shell.bootstrap import main

    raise SystemExit(main(sys.argv[2:]))
