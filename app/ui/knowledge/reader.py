"""Reading an article: Markdown through an allow-list, nothing loaded from anywhere."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.knowledge.articles import render_markdown
from app.ops.context import AppContext
from app.ops.knowledge import ArticleView
from app.ui.conversation.header import plain_label


class SafeBrowser(QTextBrowser):
    """Shows allow-listed HTML; never fetches a resource (images, style sheets)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.refused_resources: list[str] = []
        self.anchorClicked.connect(self._clicked)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        self.refused_resources.append(name if isinstance(name, str) else name.toString())
        return QByteArray()

    def _clicked(self, url: QUrl) -> None:
        # Only https links survive rendering; opening one is the user's own action.
        if url.scheme() == "https":
            QDesktopServices.openUrl(url)


class ArticleReader(QDialog):
    """Signals:
    insert_requested(str): the article's snippet for customers.
    """

    insert_requested = Signal(str)

    def __init__(self, ctx: AppContext, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = ctx.i18n._
        self.view = view
        article = view.article
        language = ctx.i18n.ui_locale
        self.setWindowTitle(article.title_for(language))
        self.resize(720, 640)
        title = plain_label(self, "articleTitle")
        title.setText(article.title_for(language))
        title.setWordWrap(True)
        meta = plain_label(self, "muted")
        regions = [article.region, *(o.region for o in view.overlays)]
        details = _("{regions} · version {version} · updated {date}").format(
            regions=" + ".join(regions),
            version=article.version,
            date=ctx.i18n.day(article.updated_at, "UTC"),
        )
        if article.verified_at is not None:
            checked = _("facts checked {date}").format(
                date=ctx.i18n.day(article.verified_at, "UTC")
            )
            details = f"{details} · {checked}"
        if article.title_for(language) != article.title:
            details = f"{article.title}\n{details}"  # the original title, as sources name it
        meta.setText(details)
        self.summary = plain_label(self, "articleSummary")
        self.summary.setWordWrap(True)
        summary = article.summary_for(language)
        self.summary.setText(_("In short: {summary}").format(summary=summary) if summary else "")
        self.summary.setVisible(bool(summary))
        self.browser = SafeBrowser(self)
        self.browser.setObjectName("articleBody")
        self.browser.setHtml(render_markdown(view.markdown))
        snippet_title = QLabel(_("For the customer:"), self)
        snippet_title.setObjectName("sectionTitle")
        self.snippet = plain_label(self, "articleSnippet")
        self.snippet.setWordWrap(True)
        self.snippet.setText(view.snippet or _("This article has no text for customers."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.insert = QPushButton(_("Insert into reply"), self)
        self.insert.setObjectName("primary")
        self.insert.setEnabled(bool(view.snippet))
        buttons.addButton(self.insert, QDialogButtonBox.ButtonRole.ActionRole)
        self.insert.clicked.connect(self._insert)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(meta)
        layout.addWidget(self.summary)
        layout.addWidget(self.browser, 1)
        layout.addWidget(snippet_title)
        layout.addWidget(self.snippet)
        layout.addWidget(buttons)

    def _insert(self) -> None:
        self.insert_requested.emit(self.view.snippet)
        self.accept()
