"""The store lane's one door to the workspace file: :class:`Store`.

One connection (private), nested transactions, and one repository per area of data.
Operations (``app.ops``) receive a Store; nothing outside ``app.storage`` sees SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.storage.articles import ArticleRepository
from app.storage.attachments import AttachmentRepository
from app.storage.canned import CannedStore
from app.storage.cipher import WorkspaceKey
from app.storage.conversations import ConversationRepository
from app.storage.customers import CustomerRepository
from app.storage.data_requests import DataRequestRepository
from app.storage.db import connect
from app.storage.drafts import DraftRepository
from app.storage.errors import classify
from app.storage.events import EventRepository
from app.storage.held import HeldRepository
from app.storage.kpis import KpiRepository
from app.storage.languages import LanguageRepository
from app.storage.link import Link
from app.storage.mentions import MentionStore
from app.storage.merges import MergeRepository
from app.storage.messages import MessageRepository
from app.storage.meta import MetaRepository
from app.storage.notify_queries import NotificationQueries
from app.storage.queues import QueueRepository
from app.storage.remote import RemoteMirror
from app.storage.remote_reviews import RemoteReviews
from app.storage.remote_training import RemoteTraining
from app.storage.reply_windows import ReplyWindowFacts
from app.storage.review_queues import ReviewQueueRepository
from app.storage.reviews import ReviewRepository
from app.storage.saved_views import SavedViewRepository
from app.storage.search import SearchIndex
from app.storage.snoozes import SnoozeStore
from app.storage.sqlite import sqlite3
from app.storage.surveys import SurveyRepository
from app.storage.sync_store import SyncStore
from app.storage.templates import TemplateRepository
from app.storage.training import TrainingRepository
from app.storage.translation_store import TranslationStore

log = logging.getLogger(__name__)


class Store:
    """A workspace store, opened on one thread (the store lane) and used only there."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._link = Link(conn)
        self.meta = MetaRepository(self._link)
        self.search = SearchIndex(self._link)
        self.conversations = ConversationRepository(self._link, self.search)
        self.messages = MessageRepository(self._link, self.conversations)
        self.drafts = DraftRepository(self._link)
        self.outbox = SyncStore(self._link)
        self.translation = TranslationStore(self._link)
        self.articles = ArticleRepository(self._link)
        self.attachments = AttachmentRepository(self._link)
        self.queues = QueueRepository(self._link)
        self.saved_views = SavedViewRepository(self._link)
        self.customers = CustomerRepository(self._link)
        self.events = EventRepository(self._link)
        self.merges = MergeRepository(self._link, self.search)
        self.held = HeldRepository(self._link, self.conversations)
        self.templates = TemplateRepository(self._link)
        self.canned = CannedStore(self._link)
        self.mentions = MentionStore(self._link)
        self.snoozes = SnoozeStore(self._link)
        self.languages = LanguageRepository(self._link)
        self.reply_windows = ReplyWindowFacts(self._link)
        self.kpis = KpiRepository(self._link)
        self.reviews = ReviewRepository(self._link)
        self.review_queues = ReviewQueueRepository(self._link)
        self.surveys = SurveyRepository(self._link)
        self.remote = RemoteMirror(self._link, self.conversations, self.messages)
        self.remote_reviews = RemoteReviews(self._link)
        self.training = TrainingRepository(self._link)
        self.remote_training = RemoteTraining(self._link)
        self.notify = NotificationQueries(self._link)  # desktop notifications (read-only)
        self.data_requests = DataRequestRepository(self._link)  # issue 17: data-subject requests

    @classmethod
    def open(cls, path: Path, *, create: bool = True, key: WorkspaceKey | None = None) -> Store:
        """Open (create, migrate) the workspace file; StoreError for what the user must fix.

        With ``key`` the file is encrypted at rest (a plain one is encrypted first)."""
        store = cls(connect(path, create=create, key=key))
        if key is not None:  # its attachment files are encrypted too
            try:
                store.attachments.encrypt_files()
            except BaseException as exc:
                store.close()
                known = (
                    classify(exc, Path(path)) if isinstance(exc, (OSError, sqlite3.Error)) else None
                )
                if known is None:
                    raise
                raise known from exc
        return store

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested ones are savepoints (an inner failure undoes only itself)."""
        with self._link.transaction():
            yield

    def optimize(self) -> None:
        """Keep the query planner's statistics fresh (cheap; run before closing). A
        failure only costs fresh statistics: it is logged, never raised."""
        try:
            self._link.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            log.warning("PRAGMA optimize failed at shutdown", exc_info=True)

    def close(self) -> None:
        self._link.conn.close()
