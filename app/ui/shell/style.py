"""Colours, the palette and the application style sheet: one table per appearance.

Light, dark and high contrast are each one table of colours; the QPalette, the style
sheet and the module-level colours the delegates paint with are all built from it, so
every view agrees and a text colour can be checked against its background (WCAG AA).
``apply_appearance`` picks the table ("system" follows the OS colour scheme and its
contrast preference, and follows it again when the OS changes it).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.domain.models import MessageKind

APPEARANCES = ("system", "light", "dark", "high_contrast")
MIN_CONTRAST = 4.5  # WCAG 2 AA for body text
NAME_SCALE = 1.2  # the customer's name in the conversation header, relative to the UI font

THEMES: dict[str, dict[str, str]] = {
    "light": {
        "window": "#FFFFFF",
        "base": "#FFFFFF",
        "panel": "#FAFBFC",
        "text": "#1F2933",
        "muted": "#5F6B7A",
        "faint": "#677381",
        "accent": "#2F6FDE",
        "accent_text": "#FFFFFF",
        "link": "#2358B8",
        "danger": "#C62828",
        "warning": "#A15408",
        "ok": "#2E7D32",
        "selection": "#E3ECFB",
        "divider": "#E4E7EB",
        "border": "#CBD2D9",
        "button": "#F5F7FA",
        "chip": "#EEF2F7",
        "chip_text": "#3E4C59",
        "bubble_customer": "#F3F5F8",
        "bubble_agent": "#E6EFFD",
        "bubble_note": "#FFF4CC",
        "bubble_system": "#FFFFFF",
        "note_border": "#E8C64A",
        "banner": "#FFF8E6",
        "banner_border": "#F0D9A0",
        "notice": "#FFF4E5",
        "notice_border": "#F0C36D",
        "gate": "#FDECEA",
        "gate_border": "#F5B8B1",
        "refusal": "#A23B2A",
        "focus": "#2F6FDE",
        "primary_disabled": "#9DB9EE",
        "match": "#FFE58F",
        "match_text": "#1F2933",
        "placeholder": "#EEF1F4",
        "composer_note": "#FFF9E0",
        "dropping": "#EEF4FF",
        "held": "#FFF1E0",
        "held_border": "#E08A1E",
        "flag": "#FFF4E0",
    },
    "dark": {
        "window": "#1B1D21",
        "base": "#1F2125",
        "panel": "#25282D",
        "text": "#E8EAED",
        "muted": "#AAB3BE",
        "faint": "#9AA4B0",
        "accent": "#2F6FDE",
        "accent_text": "#FFFFFF",
        "link": "#8AB4F8",
        "danger": "#FF7B72",
        "warning": "#E3A34B",
        "ok": "#6CCB73",
        "selection": "#233A5E",
        "divider": "#33373D",
        "border": "#4A5059",
        "button": "#2E3238",
        "chip": "#2E3238",
        "chip_text": "#D0D5DB",
        "bubble_customer": "#2A2D32",
        "bubble_agent": "#1E3150",
        "bubble_note": "#3A3218",
        "bubble_system": "#1F2125",
        "note_border": "#8A7526",
        "banner": "#3A3218",
        "banner_border": "#6B5A22",
        "notice": "#3A2E1A",
        "notice_border": "#7A5A26",
        "gate": "#3D2220",
        "gate_border": "#7A3B35",
        "refusal": "#FF8A7A",
        "focus": "#8AB4F8",
        "primary_disabled": "#33466B",
        "match": "#5C4B00",
        "match_text": "#FFFFFF",
        "placeholder": "#2E3238",
        "composer_note": "#2E2A18",
        "dropping": "#1E2A40",
        "held": "#3A2A14",
        "held_border": "#C07A2A",
        "flag": "#4A3A12",
    },
    "high_contrast": {
        "window": "#000000",
        "base": "#000000",
        "panel": "#000000",
        "text": "#FFFFFF",
        "muted": "#E8E8E8",
        "faint": "#D6D6D6",
        "accent": "#FFFF00",
        "accent_text": "#000000",
        "link": "#FFFF00",
        "danger": "#FF8080",
        "warning": "#FFD54F",
        "ok": "#8CFF8C",
        "selection": "#00458A",
        "divider": "#FFFFFF",
        "border": "#FFFFFF",
        "button": "#000000",
        "chip": "#000000",
        "chip_text": "#FFFFFF",
        "bubble_customer": "#000000",
        "bubble_agent": "#001A33",
        "bubble_note": "#2A2400",
        "bubble_system": "#000000",
        "note_border": "#FFFF00",
        "banner": "#000000",
        "banner_border": "#FFFFFF",
        "notice": "#000000",
        "notice_border": "#FFFF00",
        "gate": "#000000",
        "gate_border": "#FF8080",
        "refusal": "#FF8080",
        "focus": "#00FFFF",
        "primary_disabled": "#555555",
        "match": "#FFFF00",
        "match_text": "#000000",
        "placeholder": "#333333",
        "composer_note": "#2A2400",
        "dropping": "#001A33",
        "held": "#2A1A00",
        "held_border": "#FFB000",
        "flag": "#4A3A00",
    },
}

# (text colour, background colour): every pair a reader has to read; each must reach
# MIN_CONTRAST in every theme (tests/ui/a11y/test_appearance.py).
CONTRAST_PAIRS: tuple[tuple[str, str], ...] = (
    *((fg, bg) for fg in ("text", "muted", "faint") for bg in ("window", "base", "panel")),
    *((fg, "base") for fg in ("link", "danger", "warning", "ok", "refusal")),
    ("accent_text", "accent"),
    ("chip_text", "chip"),
    ("match_text", "match"),
    ("text", "button"),
    *((fg, "selection") for fg in ("text", "muted")),
    *(("text", bubble) for bubble in ("bubble_customer", "bubble_agent", "bubble_note")),
    ("muted", "bubble_customer"),
    ("muted", "bubble_agent"),
    *(("text", bg) for bg in ("banner", "notice", "gate", "composer_note")),
    ("danger", "gate"),
    ("text", "held"),
    ("text", "flag"),
)

# The colours the delegates and the thread paint with: rebound by apply_appearance,
# so read them as ``style.TEXT`` at paint time (never copy them at import).
ACCENT = QColor(THEMES["light"]["accent"])
ACCENT_TEXT = QColor(THEMES["light"]["accent_text"])
LINK = QColor(THEMES["light"]["link"])
TEXT = QColor(THEMES["light"]["text"])
MUTED = QColor(THEMES["light"]["muted"])
FAINT = QColor(THEMES["light"]["faint"])
DANGER = QColor(THEMES["light"]["danger"])
WARNING = QColor(THEMES["light"]["warning"])
OK = QColor(THEMES["light"]["ok"])
BASE = QColor(THEMES["light"]["base"])
SELECTION = QColor(THEMES["light"]["selection"])
DIVIDER = QColor(THEMES["light"]["divider"])
CHIP = QColor(THEMES["light"]["chip"])
PLACEHOLDER = QColor(THEMES["light"]["placeholder"])
MATCH = QColor(THEMES["light"]["match"])
MATCH_TEXT = QColor(THEMES["light"]["match_text"])
NOTE_BORDER = QColor(THEMES["light"]["note_border"])
FOCUS = QColor(THEMES["light"]["focus"])
HELD = QColor(THEMES["light"]["held"])
HELD_BORDER = QColor(THEMES["light"]["held_border"])
FLAG = QColor(THEMES["light"]["flag"])
HIGH_CONTRAST = False
BUBBLE: dict[MessageKind, QColor] = {}
THEME = "light"


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two ``#RRGGBB`` colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def style_sheet(theme: str = "light", base_point_size: float | None = None) -> str:
    """The application style sheet for ``theme``; sizes relative to the UI font (no
    pixel font sizes: a larger font or a 150 % screen scale everything)."""
    c = THEMES[theme]
    line = 2 if theme == "high_contrast" else 1
    name_size = f"font-size: {base_point_size * NAME_SCALE:.1f}pt; " if base_point_size else ""
    # High contrast: every field framed in the text colour (a native frame is a shade of grey).
    fields = (
        f"QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox {{"
        f" border: 1px solid {c['border']}; background: {c['base']}; color: {c['text']}; }}"
        if theme == "high_contrast"
        else ""
    )
    return (
        fields
        + f"""
QMainWindow, QDialog {{ background: {c["window"]}; }}
QSplitter::handle {{ background: {c["divider"]}; }}
QTableView#conversationList {{ border: {line}px solid transparent; background: {c["base"]};
                              outline: none; }}
QTextBrowser#thread {{ border: {line}px solid transparent; background: {c["base"]}; }}
QFrame#paneHeader {{ background: {c["panel"]}; border-bottom: {line}px solid {c["divider"]}; }}
QFrame#sidePanel {{ background: {c["panel"]}; border-left: {line}px solid {c["divider"]}; }}
QFrame#composer {{ border-top: {line}px solid {c["divider"]}; background: {c["base"]}; }}
QFrame#composerFooter {{ background: {c["base"]}; }}
QFrame#composer[mode="note"] QPlainTextEdit {{ background: {c["composer_note"]}; }}
QPlainTextEdit#composerEdit {{ border: {line}px solid {c["border"]}; border-radius: 6px;
                              padding: 4px; background: {c["base"]}; color: {c["text"]}; }}
QLabel#customerName {{ {name_size}font-weight: 600; color: {c["text"]}; }}
QLabel#muted {{ color: {c["muted"]}; }}
QLabel#sectionTitle {{ font-weight: 600; color: {c["text"]}; }}
QLabel#tagChip {{ background: {c["chip"]}; border-radius: 8px; padding: 1px 8px;
                 color: {c["chip_text"]}; border: {line - 1}px solid {c["border"]}; }}
QLabel#customerTyping {{ color: {c["link"]}; font-style: italic; }}
QFrame#translationBanner {{ background: {c["banner"]};
                           border-bottom: {line}px solid {c["banner_border"]}; }}
QFrame#windowGate {{ background: {c["gate"]}; border-top: {line}px solid {c["gate_border"]}; }}
QLabel#notice {{ background: {c["notice"]}; border: {line}px solid {c["notice_border"]};
                border-radius: 6px; padding: 6px; color: {c["text"]}; }}
QFrame#attachmentChip {{ background: {c["chip"]}; border: {line}px solid {c["border"]};
                        border-radius: 12px; }}
QFrame#composer[dropping="true"] {{ background: {c["dropping"]};
                                   border: 2px dashed {c["accent"]}; }}
QLabel#attachmentRefusals {{ color: {c["refusal"]}; }}
QComboBox {{ min-height: 1.6em; }}
QPushButton#primary {{ background: {c["accent"]}; color: {c["accent_text"]};
                      border: 2px solid {c["accent"]}; border-radius: 6px;
                      padding: 4px 13px; font-weight: 600; }}
QPushButton#primary:disabled {{ background: {c["primary_disabled"]};
                               border-color: {c["primary_disabled"]}; }}
QPushButton#primary:focus {{ border: 2px solid {c["focus"]}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus,
QAbstractSpinBox:focus, QAbstractItemView:focus, QTextBrowser#thread:focus,
QTableView#conversationList:focus, QPlainTextEdit#composerEdit:focus {{
    border: {line + 1}px solid {c["focus"]}; }}
QStatusBar {{ background: {c["panel"]}; border-top: {line}px solid {c["divider"]};
             color: {c["muted"]}; }}
QToolTip {{ background: {c["window"]}; color: {c["text"]}; border: 1px solid {c["border"]}; }}
"""
    )


STYLE_SHEET = style_sheet("light")  # the light sheet at the UI font's size (scripts, benchmarks)


def palette(theme: str) -> QPalette:
    """The QPalette of ``theme``: what the native widgets (buttons, menus, edits) draw with."""
    c = {name: QColor(value) for name, value in THEMES[theme].items()}
    result = QPalette()
    role = QPalette.ColorRole
    for which, colour in (
        (role.Window, c["window"]),
        (role.WindowText, c["text"]),
        (role.Base, c["base"]),
        (role.AlternateBase, c["panel"]),
        (role.Text, c["text"]),
        (role.Button, c["button"]),
        (role.ButtonText, c["text"]),
        (role.BrightText, c["danger"]),
        (role.Highlight, c["accent"]),
        (role.HighlightedText, c["accent_text"]),
        (role.Link, c["link"]),
        (role.LinkVisited, c["link"]),
        (role.PlaceholderText, c["muted"]),
        (role.ToolTipBase, c["window"]),
        (role.ToolTipText, c["text"]),
        (role.Light, c["panel"]),
        (role.Midlight, c["divider"]),
        (role.Mid, c["border"]),
        (role.Dark, c["border"]),
        (role.Shadow, c["border"]),
        (role.Accent, c["accent"]),
    ):
        result.setColor(which, colour)
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.WindowText, role.Text, role.ButtonText):
        result.setColor(disabled, which, c["faint"] if theme != "light" else QColor("#9AA5B1"))
    return result


def os_theme() -> str:
    """The OS's choice: high contrast if asked for, else its colour scheme (light when
    the platform does not say)."""
    hints = QGuiApplication.styleHints()
    if hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast:
        return "high_contrast"
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve(appearance: str) -> str:
    """The theme for a setting: "system" asks the OS (dark scheme, high contrast)."""
    return appearance if appearance in THEMES else os_theme()


def _activate(theme: str) -> None:
    """Rebind the module-level colours to ``theme`` (the delegates read them when painting)."""
    global ACCENT, ACCENT_TEXT, LINK, TEXT, MUTED, FAINT, DANGER, WARNING, OK, BASE
    global SELECTION, DIVIDER, CHIP, PLACEHOLDER, MATCH, MATCH_TEXT, NOTE_BORDER, FOCUS
    global HELD, HELD_BORDER, FLAG, HIGH_CONTRAST, THEME
    c = {name: QColor(value) for name, value in THEMES[theme].items()}
    ACCENT, ACCENT_TEXT, LINK, TEXT = c["accent"], c["accent_text"], c["link"], c["text"]
    MUTED, FAINT, DANGER, WARNING, OK = c["muted"], c["faint"], c["danger"], c["warning"], c["ok"]
    BASE, SELECTION, DIVIDER, CHIP = c["base"], c["selection"], c["divider"], c["chip"]
    PLACEHOLDER, MATCH, MATCH_TEXT = c["placeholder"], c["match"], c["match_text"]
    NOTE_BORDER, FOCUS = c["note_border"], c["focus"]
    HELD, HELD_BORDER, FLAG = c["held"], c["held_border"], c["flag"]
    BUBBLE.clear()
    BUBBLE.update(
        {
            MessageKind.CUSTOMER: c["bubble_customer"],
            MessageKind.AGENT: c["bubble_agent"],
            MessageKind.NOTE: c["bubble_note"],
            MessageKind.SYSTEM: c["bubble_system"],
        }
    )
    HIGH_CONTRAST = theme == "high_contrast"
    THEME = theme


_activate("light")


class AppearanceFollower(QObject):
    """Re-applies a "system" appearance when the OS switches scheme or contrast. One per
    QApplication, as its child (found again by :func:`apply_appearance`), not a global."""

    def __init__(self, qt_app: QApplication) -> None:
        super().__init__(qt_app)
        self.setObjectName("appearanceFollower")
        self.appearance = "light"
        self.native_style = qt_app.style().name()
        hints = qt_app.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: self.changed(qt_app))
        hints.accessibility().contrastPreferenceChanged.connect(lambda _pref: self.changed(qt_app))

    def changed(self, qt_app: QApplication) -> None:
        if self.appearance == "system":
            apply_appearance(qt_app, "system")


def apply_appearance(qt_app: QApplication, appearance: str) -> None:
    """Give the application the palette, style sheet and delegate colours of ``appearance``
    ("system" | "light" | "dark" | "high_contrast"; anything else: "system")."""
    appearance = appearance if appearance in APPEARANCES else "system"
    follower = qt_app.findChild(AppearanceFollower, "appearanceFollower")
    if follower is None:
        follower = AppearanceFollower(qt_app)
    follower.appearance = appearance
    theme = resolve(appearance)
    _activate(theme)
    # Fusion draws with the palette everywhere; a native light style stays native.
    wanted = "fusion" if theme != "light" else (follower.native_style or "fusion")
    if qt_app.style().name().lower() != wanted.lower():
        qt_app.setStyle(wanted)
    qt_app.setPalette(palette(theme))
    point_size = QFont(qt_app.font()).pointSizeF()
    qt_app.setStyleSheet(style_sheet(theme, point_size if point_size > 0 else None))
