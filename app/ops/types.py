"""Value types the UI needs from the layers below it, re-exported from one Qt-free place.

``app.ui`` may not import ``app.storage`` (import-linter): it names the store only as
the argument of the operations it submits, and reads these plain values.
"""

from app.storage.cipher import WorkspaceKey, file_state
from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.snapshot import copy_workspace
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow, MacroRow, MemoryRow

__all__ = [
    "GlossaryRow",
    "MacroRow",
    "MemoryRow",
    "Store",
    "StoreError",
    "StoreProblem",
    "WorkspaceKey",
    "classify",
    "copy_workspace",
    "file_state",
]
