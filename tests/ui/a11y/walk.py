"""Walking what assistive technology sees: the QAccessible tree and the Tab order."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

Role = QAccessible.Role
# What a user operates: each must say what it is.
INTERACTIVE = frozenset(
    {
        Role.PushButton,
        Role.ButtonMenu,
        Role.ButtonDropDown,
        Role.CheckBox,
        Role.RadioButton,
        Role.ComboBox,
        Role.EditableText,
        Role.SpinBox,
        Role.Slider,
        Role.List,
        Role.Table,
        Role.Tree,
        Role.PageTab,
        Role.PageTabList,
        Role.Link,
        Role.Document,
    }
)
MAX_NODES = 5000  # a list with thousands of rows is sampled, never walked whole
ROWS_SAMPLED = 12
SECTIONS = 6  # a date-time edit takes Tab through its sections before letting go


@dataclass(frozen=True)
class Node:
    """One element of the accessible tree, as a screen reader gets it."""

    role: QAccessible.Role
    name: str
    description: str
    widget: str  # class and object name, for a readable failure

    def __str__(self) -> str:
        return f"{self.role.name} {self.name!r} ({self.widget})"


def accessible_nodes(root: QWidget) -> list[Node]:
    """Every visible element under ``root`` (QAccessible.queryAccessibleInterface, child(i))."""
    found: list[Node] = []

    def walk(iface: QAccessibleInterface | None) -> None:
        if iface is None or not iface.isValid() or len(found) >= MAX_NODES:
            return
        if iface.state().invisible:
            return
        obj = iface.object()
        widget = f"{type(obj).__name__}#{obj.objectName()}" if obj is not None else "item"
        found.append(
            Node(
                iface.role(),
                iface.text(QAccessible.Text.Name),
                iface.text(QAccessible.Text.Description),
                widget,
            )
        )
        count = iface.childCount()
        if iface.role() in (Role.List, Role.Table, Role.Tree):
            count = min(count, ROWS_SAMPLED)
        for i in range(count):
            walk(iface.child(i))

    walk(QAccessible.queryAccessibleInterface(root))
    return found


def unnamed(nodes: list[Node]) -> list[Node]:
    """Interactive elements whose name has no letter or digit ("", "»", "✕")."""
    return [n for n in nodes if n.role in INTERACTIVE and not any(ch.isalnum() for ch in n.name)]


def tab_through(start: QWidget, presses: int = 200) -> list[QWidget]:
    """Press Tab from ``start`` until focus comes back to it (or ``presses`` run out);
    the widgets that had focus, in order."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    seen: list[QWidget] = []
    stayed = 0
    for _ in range(presses):
        current = QApplication.focusWidget()
        assert current is not None, "focus was lost"
        QTest.keyClick(current, Qt.Key.Key_Tab)
        QApplication.processEvents()
        now = QApplication.focusWidget()
        assert now is not None, "focus was lost"
        # A date edit's Tab visits its day, month and year first: a few presses, not a trap.
        stayed = stayed + 1 if now is current else 0
        if stayed > SECTIONS:
            raise AssertionError(f"Tab is trapped in {describe(now)}")
        if stayed:
            continue
        seen.append(now)
        if now is start:
            return seen
    raise AssertionError(f"Tab never came back round to {describe(start)}: {describe_all(seen)}")


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    return f"{type(widget).__name__}#{widget.objectName()} {widget.accessibleName()!r}"


def describe_all(widgets: list[QWidget]) -> str:
    return ", ".join(describe(w) for w in widgets)


def within(widget: QWidget, ancestor: QWidget) -> bool:
    return widget is ancestor or ancestor.isAncestorOf(widget)
