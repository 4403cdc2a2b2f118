"""Colours and the application style sheet: one place, so every view agrees."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.domain.models import MessageKind

ACCENT = QColor("#2F6FDE")
TEXT = QColor("#1F2933")
MUTED = QColor("#5F6B7A")
FAINT = QColor("#9AA5B1")
DANGER = QColor("#C62828")
WARNING = QColor("#B25E09")
OK = QColor("#2E7D32")
SELECTION = QColor("#E3ECFB")
DIVIDER = QColor("#E4E7EB")

BUBBLE = {
    MessageKind.CUSTOMER: QColor("#F3F5F8"),
    MessageKind.AGENT: QColor("#E6EFFD"),
    MessageKind.NOTE: QColor("#FFF4CC"),
    MessageKind.SYSTEM: QColor("#FFFFFF"),
}

STYLE_SHEET = """
QMainWindow, QDialog { background: #FFFFFF; }
QSplitter::handle { background: #E4E7EB; }
QTableView#conversationList { border: none; background: #FFFFFF; outline: none; }
QTextBrowser#thread { border: none; background: #FFFFFF; }
QFrame#paneHeader { background: #FAFBFC; border-bottom: 1px solid #E4E7EB; }
QFrame#sidePanel { background: #FAFBFC; border-left: 1px solid #E4E7EB; }
QFrame#composer { border-top: 1px solid #E4E7EB; background: #FFFFFF; }
QFrame#composer[mode="note"] QPlainTextEdit { background: #FFF9E0; }
QPlainTextEdit#composerEdit { border: 1px solid #CBD2D9; border-radius: 6px; padding: 4px; }
QLabel#customerName { font-size: 15px; font-weight: 600; color: #1F2933; }
QLabel#muted { color: #5F6B7A; }
QLabel#sectionTitle { font-weight: 600; color: #1F2933; }
QLabel#tagChip { background: #EEF2F7; border-radius: 8px; padding: 1px 8px; color: #3E4C59; }
QFrame#translationBanner { background: #FFF8E6; border-bottom: 1px solid #F0D9A0; }
QLabel#notice { background: #FFF4E5; border: 1px solid #F0C36D; border-radius: 6px; padding: 6px; }
QFrame#attachmentChip { background: #EEF2F7; border: 1px solid #D5DCE5; border-radius: 12px; }
QFrame#composer[dropping="true"] { background: #EEF4FF; border: 2px dashed #2F6FDE; }
QLabel#attachmentRefusals { color: #A23B2A; }
QComboBox { min-height: 22px; }
QPushButton#primary { background: #2F6FDE; color: white; border: none; border-radius: 6px;
                      padding: 5px 14px; font-weight: 600; }
QPushButton#primary:disabled { background: #9DB9EE; }
QStatusBar { background: #FAFBFC; border-top: 1px solid #E4E7EB; color: #5F6B7A; }
"""
