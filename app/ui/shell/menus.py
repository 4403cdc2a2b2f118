"""The main window's menu bar and its keyboard shortcuts, built apart from the window's
wiring so each stays readable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from app.domain.models import MessageKind, Status
from app.ui.conversation.attachment_tray import ATTACH_KEYS
from app.ui.conversation.canned_editor import open_canned_editor
from app.ui.shell.icons import icon

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow


def add_action(
    window: MainWindow,
    menu: QMenu,
    text: str,
    keys: list[str],
    slot: Callable[[], object],
    icon_name: str | None = None,
) -> QAction:
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.addAction(action)
    window.actions_for_help.append(action)
    return action


def menu_holding(window: MainWindow, holds: Callable[[QMenu], bool], title: str) -> QMenu:
    """The menu bar's first menu for which ``holds`` is true, for a room that plugs its
    entries in after the menus are built; a new menu called ``title`` if there is none."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and holds(menu):
            return menu
    return window.menuBar().addMenu(title)


def view_menu(window: MainWindow) -> QMenu:
    """The window's View menu (the one holding the side panel's entry)."""
    return menu_holding(
        window, lambda menu: window.side_panel_action in menu.actions(), window._ctx.i18n._("View")
    )


def conversation_menu(window: MainWindow) -> QMenu:
    """The window's Conversation menu."""
    title = window._ctx.i18n._("Conversation")
    return menu_holding(window, lambda menu: menu.title() == title, title)


def build_menus(window: MainWindow) -> None:
    """The menu bar: every command with its shortcuts (the window only wires panes)."""
    _ = window._ctx.i18n._
    bar = window.menuBar()
    file_menu = bar.addMenu(_("File"))
    if window.sync is None:
        add_action(window, file_menu, _("Sign in to a server…"), [], window.sign_in_requested.emit)
    else:
        add_action(window, file_menu, _("Sync now"), ["Ctrl+Shift+Y"], window.sync.sync_now)
        add_action(window, file_menu, _("Sync: needs attention…"), [], window.open_sync_problems)
        add_action(window, file_menu, _("Sign out"), [], window.sign_out_requested.emit)
    add_action(window, file_menu, _("Settings…"), ["Ctrl+,"], window.open_settings, "settings")
    file_menu.addSeparator()
    add_action(window, file_menu, _("Quit"), ["Ctrl+Q"], window.close)

    go = bar.addMenu(_("Go"))
    add_action(
        window, go, _("Next conversation"), ["Alt+Down", "Alt+J"], lambda: window.inbox.step(1)
    )
    add_action(
        window, go, _("Previous conversation"), ["Alt+Up", "Alt+K"], lambda: window.inbox.step(-1)
    )
    add_action(window, go, _("Search"), ["Ctrl+F", "Ctrl+K"], window.inbox.focus_search, "search")
    add_action(window, go, _("Refresh"), ["F5"], window.start)

    conv = bar.addMenu(_("Conversation"))
    pane = window.conversation
    add_action(
        window,
        conv,
        _("Reply"),
        ["Ctrl+R"],
        lambda: pane.composer.focus_editor(MessageKind.AGENT),
        "send",
    )
    add_action(
        window,
        conv,
        _("Internal note"),
        ["Ctrl+Shift+N"],
        lambda: pane.composer.focus_editor(MessageKind.NOTE),
        "note",
    )
    add_action(
        window,
        conv,
        _("Resolve"),
        ["Ctrl+Shift+R"],
        lambda: pane.set_status(Status.RESOLVED),
        "check-circle",
    )
    add_action(
        window,
        conv,
        _("Mark as pending"),
        ["Ctrl+Shift+P"],
        lambda: pane.set_status(Status.PENDING),
    )
    add_action(window, conv, _("Reopen"), ["Ctrl+Shift+O"], lambda: pane.set_status(Status.OPEN))
    add_action(window, conv, _("Assign to me"), ["Ctrl+Shift+A"], pane.assign_to_me, "user")
    add_action(window, conv, _("Mark as unread"), ["Alt+U"], pane.mark_unread)
    add_action(window, conv, _("Insert canned reply…"), ["Ctrl+Shift+K"], pane.canned.open_picker)
    add_action(
        window,
        conv,
        _("Snooze…"),
        ["Ctrl+Shift+S"],
        lambda: pane.header.snooze_button.showMenu(),
        "clock",
    )
    add_action(
        window, conv, _("Tags…"), ["Ctrl+Shift+T"], lambda: pane.header.tag_button.showMenu(), "tag"
    )
    add_action(window, conv, _("Export transcript…"), [], lambda: export_transcript(window))

    view = bar.addMenu(_("View"))
    window.side_panel_action = add_action(
        window, view, _("Side panel"), ["Ctrl+Shift+B"], lambda: None
    )
    window.side_panel_action.setCheckable(True)
    window.side_panel_action.toggled.connect(window.show_side_panel)

    words = bar.addMenu(_("Translation"))
    add_action(window, words, _("Language packs…"), ["Ctrl+Shift+L"], window.open_packs, "globe")
    add_action(window, words, _("Glossary…"), [], window.open_glossary)
    add_action(window, words, _("Translation memory…"), [], window.open_memory)
    canned_editor = lambda: open_canned_editor(window._ctx, window, window.apply_changes)  # noqa: E731
    add_action(window, words, _("Canned replies…"), [], canned_editor)

    help_menu = bar.addMenu(_("Help"))
    add_action(
        window,
        help_menu,
        _("Keyboard shortcuts"),
        ["F1", "Ctrl+/"],
        window.show_shortcuts,
        "keyboard",
    )
    add_action(window, help_menu, _("Export diagnostics…"), [], lambda: export_diagnostics(window))
    send = QAction(_("Send the reply or note (in the composer)"), window)
    send.setShortcuts([QKeySequence("Ctrl+Return")])
    send.setEnabled(False)  # documented here; the composer owns the real shortcut
    window.actions_for_help.append(send)
    attach = QAction(_("Attach files (in the composer)"), window)
    attach.setShortcuts([QKeySequence(ATTACH_KEYS)])
    attach.setEnabled(False)  # documented here; the composer owns the real shortcut
    window.actions_for_help.append(attach)


def export_diagnostics(window: MainWindow) -> object:
    """Help → Export diagnostics… (a zip for support, redacted; imported on first use)."""
    from app.ui.shell.diagnostics import export_diagnostics as export

    return export(window)


def export_transcript(window: MainWindow) -> object:
    """Conversation → Export transcript… (imported on first use: not before first paint)."""
    from app.ui.report.export_dialog import open_export_dialog

    return open_export_dialog(window._ctx, window, window.conversation.conversation_id)
