"""The SQLite module every workspace connection is made with: SQLCipher's build.

``sqlcipher3`` (the ``sqlcipher3-wheels`` distribution) is the standard library's
``sqlite3`` module compiled against SQLCipher: the same DB-API, the same exception
classes by name, FTS5 included. A connection without a key reads and writes a plain
SQLite file exactly as ``sqlite3`` does (the demo workspace); with ``PRAGMA key`` the file
is encrypted page by page. Every module of ``app.storage`` imports it from here, so the
exceptions it catches are the ones its connections raise.

For the type checker it *is* the standard module (the API is identical; the wheel ships
no stubs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3 as sqlite3
else:
    from sqlcipher3 import dbapi2 as sqlite3

__all__ = ["sqlite3"]
