"""User-interface language: gettext catalogs (extracted and compiled with Babel) and
locale-aware formatting of dates, times, durations, numbers and names (babel/CLDR).

Widgets call ``i18n._("...")``; Qt-free code that produces user-visible text marks
it with :func:`N_` and leaves translation to the UI.
"""

from app.i18n.catalog import DOMAIN, N_, UI_LOCALES, I18n, resolve_ui_locale

__all__ = ["DOMAIN", "N_", "UI_LOCALES", "I18n", "resolve_ui_locale"]
