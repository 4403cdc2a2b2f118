"""The real conversation widgets, adjusted for practice: the thread labels a customer
turn's translation as the scenario author's (a human's, never a machine's), and the side
panel shows the scenario's context instead of a customer history that does not exist."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget

from app.domain.display import display_text, isolated
from app.domain.models import ConversationDetail, Message, MessageKind
from app.i18n import I18n
from app.ops.context import AppContext
from app.ops.culture import customer_culture
from app.ui.conversation.thread_view import ThreadView
from app.ui.culture.side_panel import SidePanel
from app.ui.training.labels import local_text

MAX_CONTEXT_LINES = 40


class PracticeThread(ThreadView):
    """The thread of a practice conversation (customer turns translated by the author)."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(i18n, parent)
        self.setObjectName("practiceThread")
        self.reviewed_by: str | None = None  # the scenario's translations_reviewed_by

    def author_label(self) -> str:
        """What the line under a customer turn says about its translation."""
        _ = self._i18n._
        if self.reviewed_by:
            return _("Author's translation, reviewed by {name}").format(
                name=isolated(self.reviewed_by, 120)
            )
        return _("Author's translation")

    def _content(
        self, message: Message, flipped: bool, flip: str
    ) -> tuple[str, str, list[tuple[str, str]]]:
        body, meta, links = super()._content(message, flipped, flip)
        shown = self.translations.get(message.id)
        translated = shown is not None and shown.result is not None
        if message.kind is MessageKind.CUSTOMER and translated and not flipped:
            meta = self.author_label()
        return body, meta, links


class ScenarioContext(QTextBrowser):
    """What the trainee may need beside the conversation: the order, the product, the
    policy facts (plain text: a scenario may come from another team)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioContext")
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def show_scenario(self, i18n: I18n, scenario: Any, key: str) -> None:
        _ = i18n._
        lines: list[str] = []
        context = getattr(scenario, "context", None)
        fields = list(getattr(context, "fields", None) or [])
        facts = list(getattr(context, "facts", None) or [])
        for field in fields[:MAX_CONTEXT_LINES]:
            label = local_text(getattr(field, "label", None), key)
            lines.append(f"{display_text(label, 200)}: {display_text(str(field.value), 400)}")
        if facts:
            lines.append("")
            lines.append(_("Policy and facts:"))
            lines.extend(f"• {display_text(local_text(f, key), 600)}" for f in facts[:40])
        if not lines:
            lines.append(_("This scenario gives no extra context."))
        self.setPlainText("\n".join(lines))


class PracticeSidePanel(SidePanel):
    """The culture side panel for a practice customer: the card, the live facts at the
    scenario's moment, the etiquette profile (if the trainer allows it), the scenario's
    context and the knowledge base (read only)."""

    def __init__(self, ctx: AppContext, etiquette: bool, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        _ = ctx.i18n._
        self.tabs.removeTab(self.tabs.indexOf(self.customer))  # no history: not a real person
        self.customer.hide()
        self.context = ScenarioContext(self)
        self.tabs.insertTab(0, self.context, _("Context"))
        self.tabs.setCurrentIndex(0)
        corner = self.tabs.cornerWidget()
        if corner is not None:
            corner.hide()  # the training window has no rail to fold to
        self.etiquette_allowed = etiquette
        if not etiquette:
            self.tabs.removeTab(self.tabs.indexOf(self.etiquette))
            self.etiquette.hide()
            self.advice.hide()
            self.facts.hide()

    def show_detail(self, detail: ConversationDetail | None, now: int) -> None:
        """As the inbox's panel, without the customer history (a practice customer has no
        rows in the store)."""
        i18n = self._ctx.i18n
        self._detail, self._now = detail, now
        if detail is None:
            self.card.setText(i18n._("No conversation selected."))
            return
        customer = detail.customer
        language = display_text(i18n.language_name(customer.language), 60)
        self.card.setText(
            "\n".join(
                [
                    isolated(customer.name),
                    display_text(i18n.country_name(customer.country), 60),
                    i18n._("Language: {language}").format(language=language),
                    i18n._("Time zone: {zone}").format(zone=isolated(customer.timezone, 60)),
                ]
            )
        )
        self.knowledge.show_for(detail)
        data = self.culture_data
        if data is None:
            return
        self._ctx.tasks.run(
            lambda: customer_culture(data, customer, now),
            self._practice_culture,
            key="customer-culture",
            owner=self,
        )

    def _practice_culture(self, culture: Any) -> None:
        self._show_culture(culture)
        if not self.etiquette_allowed:  # the trainer hid etiquette help for this play
            self.advice.hide()
            self.no_profile.hide()
