"""Guard against a broken Qt binding release sneaking in with a lock-file update.

PySide6 6.12.0 drops a reference to None on every void method call on CPython
3.11; a few thousand calls later the interpreter aborts (see pyproject.toml).
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument


def test_void_qt_calls_keep_none_alive() -> None:
    document = QTextDocument()
    cursor = QTextCursor(document)
    fmt = QTextCharFormat()
    before = sys.getrefcount(None)
    for _ in range(2000):
        fmt.setFontPointSize(10.0)
        cursor.insertText("x", fmt)
    assert sys.getrefcount(None) >= before - 50
