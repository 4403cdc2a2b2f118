"""Keyboard and screen-reader rules applied to every window the application shows.

Widgets are built in many modules; a few rules hold for all of them and are applied
here, once per window as it becomes active, rather than remembered in each module:

* Tab always moves on: an item view moves between its cells with the arrow keys (not
  Tab) and an editable multi-line text field gives Tab to the focus chain, so the
  keyboard is never trapped (WCAG 2.1.2).
* Every control a user operates has a name a screen reader can say: one without (an
  icon-only button, a field known only by its placeholder, a table under a dialog's
  title) is named from its tooltip, its placeholder or its dialog's title, strings that
  are already translated.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QTextDocumentFragment, QWindow
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

WATCHER = "crossdeskAccessibility"
NAME_CHARS = 200  # of a tooltip or title used as a name
MAX_WIDGETS = 20_000  # a window is walked once as it activates; bounded all the same
NAMED = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)
_SHORTCUT = re.compile(r"\s*\((Ctrl|Alt|Shift|F\d|Meta)[^)]*\)\s*$")


def name_icon_buttons(edit: QLineEdit, name: str) -> None:
    """The icon buttons Qt adds to a line edit (``setClearButtonEnabled``, ``addAction``)
    have no name: give the ones added so far this one (and the same tooltip)."""
    for button in edit.findChildren(QToolButton):
        if not button.accessibleName():
            button.setAccessibleName(name)
            button.setToolTip(name)


def spoken_name(widget: QWidget) -> str:
    """What a screen reader announces as the widget's name."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None and iface.isValid() else ""


def says_something(text: str) -> bool:
    """A name with a letter or digit ("»" or "✕" alone says nothing)."""
    return any(ch.isalnum() for ch in text)


def _plain(text: str) -> str:
    if QtGuiNamespace.mightBeRichText(text):  # the Qt namespace of QtGui has it
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return " ".join(text.split())[:NAME_CHARS]


def fallback_name(widget: QWidget) -> str:
    """A translated string that already describes the widget: its placeholder, its
    tooltip (without the shortcut in brackets) or, for a list or table, its dialog's title."""
    placeholder = getattr(widget, "placeholderText", None)
    if callable(placeholder) and says_something(str(placeholder())):
        return _plain(str(placeholder()))
    tip = _SHORTCUT.sub("", _plain(widget.toolTip()))
    if says_something(tip):
        return tip
    window = widget.window()
    if isinstance(widget, QAbstractItemView) and isinstance(window, QDialog):
        return _plain(window.windowTitle())  # a dialog's one table: the dialog's subject
    return ""


def make_accessible(root: QWidget) -> None:
    """Apply the module's rules to ``root`` and everything in it."""
    widgets = [root, *root.findChildren(QWidget)][:MAX_WIDGETS]
    for widget in widgets:
        if isinstance(widget, QAbstractItemView):
            widget.setTabKeyNavigation(False)
        elif isinstance(widget, QPlainTextEdit | QTextEdit) and not widget.isReadOnly():
            widget.setTabChangesFocus(True)
        if (
            isinstance(widget, NAMED)
            and not widget.accessibleName()
            and not says_something(spoken_name(widget))
        ):
            name = fallback_name(widget)
            if name:
                widget.setAccessibleName(name)


class _Watcher(QObject):
    """Applies the rules to each window as it becomes the active one (a dialog opening,
    the main window built again in another language)."""

    def __init__(self, qt_app: QApplication) -> None:
        super().__init__(qt_app)
        self.setObjectName(WATCHER)
        qt_app.focusWindowChanged.connect(self._activated)

    def _activated(self, window: QWindow | None) -> None:
        if window is None:
            return
        for widget in QApplication.topLevelWidgets():
            if widget.windowHandle() is window:
                make_accessible(widget)


def install_accessibility(qt_app: QApplication) -> None:
    """Watch the application's windows (once per application)."""
    if qt_app.findChild(QObject, WATCHER) is None:
        _Watcher(qt_app)
