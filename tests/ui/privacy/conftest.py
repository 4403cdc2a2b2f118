"""The tests of this folder share one application: a QApplication, made first (the CLI's
tests would otherwise leave a bare QGuiApplication, which the widget tests cannot use)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _widgets_application(qapp: QApplication) -> QApplication:
    return qapp
