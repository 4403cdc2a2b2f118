"""SQLite local store (sqlite-utils): schema, migrations, repositories, full-text index."""

import sys

# sqlite-utils imports numpy and pandas when they are installed, only to map their number
# types when tables are created from data frames, which CrossDesk never does. numpy is
# installed for the translation engine and costs ~150 ms at start-up, so sqlite-utils is
# imported here with both hidden (``import numpy`` raises ImportError, which it handles);
# the translation engine imports numpy normally later, off the UI thread.
_hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]
try:
    import sqlite_utils  # noqa: F401
finally:
    for _name in _hidden:
        sys.modules.pop(_name, None)
