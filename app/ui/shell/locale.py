"""The UI language: our catalogues (:class:`app.i18n.I18n`) and Qt's own strings."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from app.config.paths import translations_dir
from app.i18n import I18n, resolve_ui_locale


def make_i18n(language: str) -> I18n:
    """``language`` is a setting ("system", "en", "ar"...); formats follow the system's
    conventions for that language (ar_SA's digits, en_GB's dates)."""
    system = QLocale.system().name()
    return I18n(resolve_ui_locale(language, system), translations_dir(), format_locale=system)


class QtTranslations:
    """Qt's own strings (OK/Cancel, text-field menus) in the UI language, and the
    layout direction: an Arabic UI mirrors every window (right to left)."""

    def __init__(self, qt_app: QApplication) -> None:
        self._qt_app = qt_app
        self._translator: QTranslator | None = None

    def install(self, i18n: I18n) -> None:
        self.remove()
        # Qt's own date, time and number widgets (the quiet-hours editor, spin boxes)
        # format as the UI does: the same CLDR locale babel uses.
        QLocale.setDefault(QLocale(str(i18n.locale)))
        self._qt_app.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if i18n.right_to_left else Qt.LayoutDirection.LeftToRight
        )
        if i18n.ui_locale == "en":
            return
        translator = QTranslator(self._qt_app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QLocale(i18n.ui_locale), "qtbase", "_", folder):
            self._qt_app.installTranslator(translator)
            self._translator = translator

    def remove(self) -> None:
        if self._translator is not None:
            self._qt_app.removeTranslator(self._translator)
            self._translator = None
