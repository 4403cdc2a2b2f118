"""Shared fixtures: real SQLite files in a temporary folder, the inline task runner,
real widgets on Qt's offscreen platform."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.helpers.fixtures"]
