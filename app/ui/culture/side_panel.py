"""The right-hand panel: who the customer is, what is true for them now, how to write
to them, and the knowledge to answer them.

On each conversation switch the live facts are computed on the compute lane and the
article suggestions read on the store lane; the UI thread only lays out labels.
Every text is plain text: profiles and articles may come from a team's server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text, isolated
from app.domain.models import ConversationDetail
from app.ops.context import AppContext
from app.ops.culture import CultureData, CustomerCulture, customer_culture
from app.ui.conversation.header import plain_label
from app.ui.culture.sections import EtiquetteView, advice_lines, now_lines, profile_blocks
from app.ui.customer.panel import CustomerPanel
from app.ui.customer.rail import RAIL_WIDTH, IconRail
from app.ui.knowledge.panel import KnowledgeList
from app.ui.shell.elided import ElidedLabel

if TYPE_CHECKING:
    from app.culture.profile_schema import Profile

MIN_WIDTH = 300  # the etiquette text and article titles need room to be read


class SidePanel(QFrame):
    """Customer, now, etiquette, knowledge.

    Signals:
        culture_ready(object): the CustomerCulture of the open conversation (the draft
            check uses it).
        insert_requested(str): text to put into the reply (an article snippet).
    """

    culture_ready = Signal(object)
    insert_requested = Signal(str)
    expand_requested = Signal()  # a rail icon was clicked (the window gives the panel room)
    collapse_requested = Signal()  # the fold button beside the tabs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self._ctx = ctx
        self.culture_data: CultureData | None = None
        self.culture: CustomerCulture | None = None
        self._shown_profile: Profile | None = None  # what the etiquette view holds
        self._detail: ConversationDetail | None = None
        self._now = 0
        _ = ctx.i18n._
        # Each line of the card is elided to the panel's width: a long name or handle
        # must neither cut the panel off nor widen it.
        self.card = ElidedLabel(ctx.i18n, self, "customerCard")
        # Absolutely at the UI's start side: a name in the other direction must not flip its
        # own line (an Arabic name in an English panel, an English one in an Arabic panel).
        start = (
            Qt.AlignmentFlag.AlignRight if ctx.i18n.right_to_left else Qt.AlignmentFlag.AlignLeft
        )
        self.card.setAlignment(start | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignTop)
        self.card.setText(_("No conversation selected."))
        self.advice = plain_label(self, "advice")
        self.advice.setWordWrap(True)
        self.advice.hide()
        self.facts = self._body()
        self.no_profile = plain_label(self, "muted")
        self.no_profile.setWordWrap(True)
        self.no_profile.hide()
        # The etiquette text lives in a text view (laid out lazily, scrolls on its own):
        # a label per block cost 60–120 ms of polish and layout on every switch.
        self.etiquette = EtiquetteView(self)
        self.card_button = QPushButton(_("Save culture card (PDF)…"), self)
        self.card_button.setObjectName("cultureCard")
        self.card_button.setToolTip(_("One page on this country for onboarding new agents"))
        self.card_button.setEnabled(False)
        self.card_button.clicked.connect(self._save_card)
        etiquette_tab = QWidget(self)
        etiquette_layout = QVBoxLayout(etiquette_tab)
        etiquette_layout.setContentsMargins(0, 0, 0, 6)
        etiquette_layout.setSpacing(4)
        etiquette_layout.addWidget(self.etiquette, 1)
        etiquette_layout.addWidget(self.card_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.knowledge = KnowledgeList(ctx, self)
        self.knowledge.insert_requested.connect(self.insert_requested)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("cultureTabs")
        self.tabs.setDocumentMode(True)
        self.customer = CustomerPanel(ctx, self)  # history, notes, fields (issue 11 §3)
        self.tabs.addTab(self.customer, _("Customer"))
        self.tabs.addTab(etiquette_tab, _("Etiquette"))
        self.tabs.addTab(self.knowledge, _("Knowledge"))
        self.rail = IconRail(
            [("user", _("Customer")), ("etiquette", _("Etiquette")), ("book", _("Knowledge"))],
            self,
        )
        self.rail.section_requested.connect(self.open_section)
        self.rail.hide()
        fold = QToolButton(self.tabs)
        fold.setObjectName("foldSidePanel")
        fold.setText("»")
        fold.setAutoRaise(True)
        fold.setToolTip(_("Fold the side panel to icons (Ctrl+Shift+B)"))
        fold.setAccessibleName(fold.toolTip())  # "»" says nothing to a screen reader
        fold.clicked.connect(self.collapse_requested)
        self.tabs.setCornerWidget(fold, Qt.Corner.TopRightCorner)

        top = QWidget(self)
        layout = QVBoxLayout(top)
        layout.setContentsMargins(14, 14, 14, 4)
        layout.setSpacing(6)
        layout.addWidget(self._title(_("Customer")))
        layout.addWidget(self.card)
        layout.addWidget(self.advice)
        layout.addWidget(self._title(_("Now")))
        layout.addWidget(self.facts)
        layout.addWidget(self.no_profile)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(top)
        scroll.setAccessibleName(_("Customer"))  # it scrolls by keyboard: say what it holds
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([380, 520])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        outer.addWidget(self.rail)
        self.setMinimumWidth(MIN_WIDTH)

    @property
    def collapsed(self) -> bool:
        """Folded to the icon rail."""
        return self.splitter.isHidden()

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold to the icon rail (the thread gets the width) or show every section."""
        self.splitter.setHidden(collapsed)
        self.rail.setVisible(collapsed)
        if collapsed:
            self.setMinimumWidth(RAIL_WIDTH)
            self.setMaximumWidth(RAIL_WIDTH)
        else:
            self.setMaximumWidth(16_777_215)
            self.setMinimumWidth(MIN_WIDTH)

    def open_section(self, index: int) -> None:
        """A rail icon: that section's tab, and the panel unfolds."""
        self.tabs.setCurrentIndex(index)
        self.expand_requested.emit()

    def _title(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("sectionTitle")
        return label

    def _body(self) -> QLabel:
        label = plain_label(self, "panelText")
        label.setWordWrap(True)
        return label

    # ------------------------------------------------------------------ data
    def set_culture_data(self, data: CultureData) -> None:
        """Profiles and rules loaded (start-up, compute lane): fill in the open conversation."""
        self.culture_data = data
        if self._detail is not None:
            self.show_detail(self._detail, self._ctx.clock())

    def show_detail(self, detail: ConversationDetail | None, now: int) -> None:
        i18n = self._ctx.i18n
        self._detail, self._now = detail, now
        if detail is None:
            self.card.setText(i18n._("No conversation selected."))
            self.knowledge.show_for(None)
            self.customer.show_for(None)
            return
        customer = detail.customer
        language = display_text(i18n.language_name(customer.language), 60)
        lines = [
            isolated(customer.name),
            display_text(i18n.country_name(customer.country), 60),
            i18n._("Language: {language}").format(language=language),
            i18n._("Time zone: {zone}").format(zone=isolated(customer.timezone, 60)),
        ]
        lines += [
            f"{display_text(kind, 30)}: {isolated(handle)}"
            for kind, handle in sorted(customer.handles.items())[:8]
        ]
        self.card.setText("\n".join(lines))
        self.knowledge.show_for(detail)
        self.customer.show_for(detail)
        data = self.culture_data
        if data is None:
            return
        self._ctx.tasks.run(
            lambda: customer_culture(data, customer, now),
            self._show_culture,
            key="customer-culture",
            owner=self,
        )

    def _show_culture(self, culture: CustomerCulture) -> None:
        i18n = self._ctx.i18n
        self.culture = culture
        advice = advice_lines(i18n, culture.facts)
        if culture.mourning:
            advice.insert(
                0,
                i18n._(
                    "National mourning ({reason}): no promotions or upbeat marketing; keep "
                    "replies sober and brief."
                ).format(reason=culture.mourning.pick(i18n.ui_locale)),
            )
        self.advice.setText("\n".join(f"• {line}" for line in advice))
        self.advice.setVisible(bool(advice))
        self.facts.setText("\n".join(now_lines(i18n, culture.facts)))
        profile = culture.profile
        self.no_profile.setVisible(profile is None)
        self.card_button.setEnabled(profile is not None)
        if profile is None:
            self.no_profile.setText(
                i18n._(
                    "No etiquette profile for {country} yet: the facts above are computed; "
                    "a team can add a profile in its etiquette folder."
                ).format(country=i18n.country_name(culture.country) or culture.country or "?")
            )
            self.etiquette.show_blocks([])
        elif profile is not self._shown_profile:  # same country: the text is already there
            self.etiquette.show_blocks(profile_blocks(i18n, profile))
        self._shown_profile = profile
        self.culture_ready.emit(culture)

    def _save_card(self) -> None:
        """Ask where, then write the country's one-page card (nothing half-written)."""
        culture, data = self.culture, self.culture_data
        if culture is None or culture.profile is None or data is None:
            return
        from app.ui.culture.card import save_card

        save_card(self, self._ctx.i18n, culture.profile, data.weekends.get(culture.country))
