"""Suggested articles for the open conversation, a search field, and the reader."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.models import ConversationDetail
from app.knowledge.tags import tag_name
from app.ops import knowledge
from app.ops.context import AppContext
from app.ops.knowledge import ArticleView
from app.ui.shell.debounce import debouncer
from app.ui.shell.elided import tooltip_html

SEARCH_DEBOUNCE_MS = 200


class KnowledgeList(QWidget):
    """Signals:
    insert_requested(str): an article's customer snippet, for the reply.
    """

    insert_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self._detail: ConversationDetail | None = None
        self.views: list[ArticleView] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("articleSearch")
        self.search.setPlaceholderText(_("Search articles"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("articleList")
        self.list.setAccessibleName(_("Knowledge"))
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(140)
        self.list.itemActivated.connect(self._open)
        self.list.itemDoubleClicked.connect(self._open)
        self._debounce = debouncer(self, SEARCH_DEBOUNCE_MS, self.refresh)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)

    def show_for(self, detail: ConversationDetail | None) -> None:
        self._detail = detail
        self.refresh()

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The window's one change path: the list is read again only if articles changed."""
        if changes.articles:
            self.refresh()

    def refresh(self) -> None:
        detail, text = self._detail, self.search.text().strip()
        country = detail.customer.country if detail else None
        if text:
            work = lambda repo: knowledge.search(repo, text, country)  # noqa: E731
        elif detail is not None:
            work = lambda repo: knowledge.suggest(repo, detail)  # noqa: E731
        else:
            self._show([])
            return
        self._ctx.tasks.run_store(work, self._show, key="articles", owner=self)

    def _show(self, views: list[ArticleView]) -> None:
        _ = self._ctx.i18n._
        language = self._ctx.i18n.ui_locale
        self.views = views
        self.list.clear()
        for view in views:
            article = view.article
            regions = ", ".join(o.region for o in view.overlays)
            region = article.region if article.region != "global" else _("Global")
            title = article.title_for(language)
            label = f"{title}\n{region}" + (f" + {regions}" if regions else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, article.uid)
            summary = article.summary_for(language)
            tags = ", ".join(tag_name(tag, language) for tag in article.tags)
            item.setToolTip(tooltip_html(f"{summary}\n\n{tags}" if summary else tags))
            self.list.addItem(item)
        if not views:
            empty = QListWidgetItem(_("No matching articles."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    def _open(self, item: QListWidgetItem) -> None:
        uid = item.data(Qt.ItemDataRole.UserRole)
        view = next((v for v in self.views if v.article.uid == uid), None)
        if view is None:
            return
        from app.ui.knowledge.reader import ArticleReader

        reader = ArticleReader(self._ctx, view, self.window())
        reader.insert_requested.connect(self.insert_requested)
        reader.open()
