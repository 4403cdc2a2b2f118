"""One practice conversation in play, in the real conversation widgets.

The thread (:class:`PracticeThread`), the composer, the reply translation, the draft
check and the culture side panel are the inbox's own, fed with in-memory objects built
from the play's steps. A reply goes to the training engine on the compute lane, never to
the reply or outbox operations: nothing typed here can reach a customer. The customer's
clock runs at the trainer's speed; they write again, and leave, if the trainee is slow.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import isolated
from app.domain.lang import primary_language
from app.domain.models import MessageKind
from app.domain.training import PlayOptions
from app.ops.context import AppContext
from app.ops.culture import CultureData, CustomerCulture
from app.ops.reply import Outgoing
from app.translation.api import NoRouteError
from app.ui.conversation.composer import Composer
from app.ui.conversation.header import plain_label
from app.ui.conversation.split import ThreadSplit
from app.ui.culture.draft_check import DraftCheck
from app.ui.shell.labels import localize
from app.ui.training.clock import PatienceBar, make_clock
from app.ui.training.labels import (
    difficulty_label,
    end_state_label,
    local_text,
    mood_label,
    ui_key,
)
from app.ui.training.practice import (
    PRACTICE_ID,
    customer_translations,
    practice_customer,
    practice_detail,
    start_epoch,
)
from app.ui.training.widgets import PracticeSidePanel, PracticeThread

LTR_MARK = "\u200e"  # the line reads left to right even if it starts with an Arabic name
BANNER_STYLE = (
    "QLabel#practiceBanner { background: #FFF4CC; color: #5C4400; font-weight: 600;"
    " padding: 6px 12px; border-bottom: 1px solid #E8C64A; }"
    "QFrame#endedBar { background: #E8F5E9; border-top: 1px solid #A5D6A7; }"
    "QProgressBar#patienceBar { border: 1px solid #CBD2D9; border-radius: 3px; }"
    "QProgressBar#patienceBar::chunk { background: #2F6FDE; }"
    'QProgressBar#patienceBar[late="true"]::chunk { background: #C62828; }'
)

if TYPE_CHECKING:
    from app.training.engine import Play
    from app.training.schema import Scenario


def trainee_context(ctx: AppContext, language: str) -> AppContext:
    """The context whose agent writes in the trainee's language (the reply translation
    translates from it, as in real work)."""
    return ctx.with_(settings=replace(ctx.settings, agent_language=language))


class PlayView(QWidget):
    """The play: banner, header with the patience clock, thread, composer, side panel.

    Signals:
        finished(object): the play ended (the customer's last turn is shown); the Play.
        leave_requested(): the trainee stops this practice without a debrief.
        debrief_requested(): the trainee asks for the debrief after the end.
    """

    finished = Signal(object)
    leave_requested = Signal()
    debrief_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        play: Play,
        scenario: Scenario,
        options: PlayOptions,
        culture: CultureData,
        trainee_language: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playView")
        self.setStyleSheet(BANNER_STYLE)
        self._ctx = ctx
        self.play = play
        self.scenario = scenario
        self.options = options
        self.trainee_language = trainee_language
        self.sent: dict[int, Outgoing] = {}  # what the customer read, by the reply's step
        self.busy = False  # a reply is with the engine: the clock waits for it
        self.ended = False
        self._state_label = ""
        i18n = ctx.i18n
        _ = i18n._
        key = ui_key(i18n)
        self.customer = practice_customer(scenario, culture)
        self.title = local_text(scenario.title, key)
        self.trainee_name = ctx.workspace.me_name or _("You")

        self.banner = QLabel(_("Practice — nothing is sent to a customer"), self)
        self.banner.setObjectName("practiceBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)

        header = QFrame(self)
        header.setObjectName("paneHeader")
        self.heading = QLabel(self.title, header)
        self.heading.setObjectName("customerName")
        persona = scenario.persona
        self.persona_line = plain_label(header, "muted")
        self.persona_line.setText(
            LTR_MARK
            + " · ".join(
                [
                    isolated(self.customer.name, 200),
                    i18n.language_name(scenario.language),
                    mood_label(i18n, str(persona.mood)),
                    difficulty_label(i18n, int(scenario.difficulty)),
                ]
            )
        )
        self.patience = PatienceBar(
            i18n, float(persona.patience), int(persona.leaves_after), options.clock_speed, header
        )
        self.leave_button = QPushButton(_("Stop practice"), header)
        self.leave_button.setObjectName("stopPractice")
        self.leave_button.setToolTip(_("Back to the scenarios; this attempt is not recorded."))
        self.leave_button.clicked.connect(self._confirm_leave)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.leave_button)
        column = QVBoxLayout(header)
        column.setContentsMargins(14, 8, 14, 8)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.persona_line)
        column.addWidget(self.patience)

        self.thread_view = PracticeThread(i18n, self)
        self.thread_view.reviewed_by = getattr(scenario, "translations_reviewed_by", None)
        self.notice = plain_label(self, "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.notice.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # Under the header, as the inbox says it: whether the customer reads a translation.
        self.pack_banner = QFrame(self)
        self.pack_banner.setObjectName("translationBanner")
        self.pack_notice = plain_label(self.pack_banner, "bannerText")
        self.pack_notice.setWordWrap(True)
        banner_row = QHBoxLayout(self.pack_banner)
        banner_row.setContentsMargins(14, 6, 14, 6)
        banner_row.addWidget(self.pack_notice, 1)
        self.pack_banner.hide()
        self.untranslated = False  # no pack (or translation off): replies go as written
        self.composer = Composer(i18n, self)
        self.composer.note_tab.hide()  # no colleagues in a practice conversation
        self.composer.send_more.hide()  # no status to set
        self.composer.send_requested.connect(self.send)
        self.reply_translation: Any = None
        if options.translation:
            from app.ui.translation.reply_translation import ReplyTranslation

            panel = ReplyTranslation(trainee_context(ctx, trainee_language), self.composer)
            panel.human.hide()  # no colleague to hold the reply for
            panel.packs_link.hide()  # packs are managed from the inbox
            self.composer.add_panel(panel)
            panel.send_requested.connect(self.composer.request_send)
            panel.send_confirmed.connect(self.composer.request_send)
            self.reply_translation = panel
        self.draft_check: DraftCheck | None = None
        if options.etiquette:
            self.draft_check = DraftCheck(ctx, self.composer.editor, self.composer)
            self.composer.add_panel(self.draft_check)
            self.composer.text_edited.connect(self.draft_check.text_edited)
            self.draft_check.set_data(culture)
        self.composer.text_edited.connect(self._edited)

        self.ended_bar = QFrame(self)
        self.ended_bar.setObjectName("endedBar")
        self.ended_text = plain_label(self.ended_bar, "endedText")
        self.ended_text.setWordWrap(True)
        self.debrief_button = QPushButton(_("See your debrief"), self.ended_bar)
        self.debrief_button.setObjectName("primary")
        self.debrief_button.setEnabled(False)  # until the score is ready
        self.debrief_button.clicked.connect(self.debrief_requested.emit)
        row = QHBoxLayout(self.ended_bar)
        row.setContentsMargins(14, 8, 14, 8)
        row.addWidget(self.ended_text, 1)
        row.addWidget(self.debrief_button)
        self.ended_bar.hide()

        self.split = ThreadSplit(
            self.thread_view,
            [self.notice, self.composer],
            self,
            footer=self.composer.send_row,
        )
        conversation = QWidget(self)
        left = QVBoxLayout(conversation)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(0)
        left.addWidget(header)
        left.addWidget(self.pack_banner)
        left.addWidget(self.split, 1)
        left.addWidget(self.ended_bar)
        self.side = PracticeSidePanel(ctx, options.etiquette, self)
        self.side.context.show_scenario(i18n, scenario, key)
        self.side.culture_data = culture
        self.side.culture_ready.connect(self._culture_ready)
        self.side.insert_requested.connect(self.composer.insert_text)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(conversation)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([760, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

        self.clock = make_clock(options.clock_speed, self, self.advance_clock)

    # ------------------------------------------------------------------ start
    def begin(self) -> None:
        """Show the opening turn and start the customer's clock."""
        if not self.play.steps:
            self.play.start()
        self.composer.load_draft(None, PRACTICE_ID)  # the editor now sends (to the engine)
        self.redraw()
        self.side.show_detail(self._detail(), self.now())
        same = primary_language(self.scenario.language) == self.trainee_language
        if self.reply_translation is not None:
            self.reply_translation.set_customer_language(self.scenario.language)
            if not same:
                self._check_pack()
        elif not same:
            self._show_pack_notice(
                self._ctx.i18n._(
                    "Translation is off for this practice: the customer reads your reply as "
                    "you write it."
                )
            )
        self.composer.editor.setFocus()
        if self.play.finished:
            self._finish()
        else:
            self.clock.start()

    def now(self) -> int:
        """The customer's moment in the scenario (epoch seconds)."""
        return start_epoch(self.scenario) + int(self.play.clock)

    def _detail(self) -> Any:
        return practice_detail(
            self.scenario, self.customer, self.play.steps, self.sent, self.trainee_name, self.title
        )

    def redraw(self) -> None:
        detail = self._detail()
        translations = customer_translations(detail, self.play.steps, self.trainee_language)
        self.thread_view.show_detail(detail, self.now(), translations)
        self.patience.show_wait(self.play.steps, self.play.clock, self.play.finished)

    def _culture_ready(self, culture: CustomerCulture) -> None:
        if self.draft_check is not None:
            self.draft_check.set_customer(culture, self.scenario.language)

    def _check_pack(self) -> None:
        """Say before the trainee writes whether the customer will read a translation."""
        i18n = self._ctx.i18n
        language = i18n.language_name(self.scenario.language)
        service = self._ctx.translation
        untranslated = i18n._(
            "No language pack for {language}: the customer reads your reply untranslated "
            "in training."
        ).format(language=language)
        if service is None:
            self._show_pack_notice(untranslated)
            return
        source, target = self.trainee_language, self.scenario.language

        def failed(error: BaseException) -> None:
            if isinstance(error, NoRouteError):
                self._show_pack_notice(untranslated)

        self._ctx.tasks.run(
            lambda: service.route(source, target), None, failed, key="practice-route", owner=self
        )

    def _show_pack_notice(self, text: str) -> None:
        self.untranslated = True
        self.pack_notice.setText(text)
        self.pack_banner.show()
        if self.reply_translation is not None:
            self.reply_translation.hide()

    @property
    def translated(self) -> bool:
        """The reply is translated as in real work (allowed, and a pack can do it)."""
        panel = self.reply_translation
        return (
            bool(panel is not None and panel.active and panel.no_route is None)
            and not self.untranslated
        )

    def _edited(self, kind: MessageKind, text: str) -> None:
        if self.translated and kind is MessageKind.AGENT:
            self.reply_translation.text_changed(text)
        if self.notice.isVisible() and not text.strip():
            self.notice.hide()

    # ------------------------------------------------------------------ time
    def advance_clock(self, seconds: float) -> None:
        """Scenario time passes with no reply (the timer; tests call it with any amount)."""
        if self.busy or self.ended or seconds <= 0:
            return
        steps = self.play.advance(seconds)
        if steps:
            self.redraw()
        else:
            self.patience.show_wait(self.play.steps, self.play.clock, self.play.finished)
        if self.play.finished:
            self._finish()

    # ------------------------------------------------------------------ replies
    def _confirm_leave(self) -> None:
        """Stopping discards the attempt: ask first once the trainee has written something."""
        if (self.play.replies or self.composer.text().strip()) and not self.play.finished:
            _ = self._ctx.i18n._
            answer = QMessageBox.question(
                self,
                _("Stop practice"),
                _("Stop this practice? Your replies so far are not recorded."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.leave_requested.emit()

    def send(self, kind: MessageKind, text: str) -> None:
        """The trainee's reply to the engine (compute lane); translated first if allowed."""
        if self.busy or self.ended or kind is not MessageKind.AGENT:
            return
        outgoing: Outgoing | None = None
        if self.translated:
            reply = self.reply_translation.draft.reply(text)
            if reply is None:
                self.notice.setText(self.reply_translation.blocked_reason())
                self.notice.show()
                self.reply_translation.refresh_now()
                return
            outgoing = reply.outgoing
        self.busy = True
        self.clock.stop()
        self.composer.setEnabled(False)
        play = self.play
        self._ctx.tasks.run(
            lambda: play.reply(text),
            lambda steps: self._replied(steps, outgoing),
            self._refused,
            owner=self,
        )

    def _replied(self, steps: list[Any], outgoing: Outgoing | None) -> None:
        self.busy = False
        self.composer.setEnabled(True)
        mine = next((s for s in steps if s.who == "trainee"), None)
        if mine is not None and outgoing is not None:
            self.sent[mine.index] = outgoing
        self.notice.hide()
        self.composer.load_draft(None, PRACTICE_ID)
        if self.reply_translation is not None:
            self.reply_translation.clear()
        self.redraw()
        if self.play.finished:
            self._finish()
        else:
            self.clock.start()
            self.composer.editor.setFocus()

    def _refused(self, error: BaseException) -> None:
        """Empty, too long, or after the end: said under the editor; the text stays."""
        self.busy = False
        self.composer.setEnabled(True)
        self.notice.setText(localize(self._ctx.i18n, error))
        self.notice.show()
        if not self.play.finished:
            self.clock.start()

    # ------------------------------------------------------------------ end
    def _finish(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.clock.stop()
        self.composer.setEnabled(False)
        self.patience.show_wait(self.play.steps, self.play.clock, True)
        _ = self._ctx.i18n._
        ending = self.play.ending
        state = str(getattr(getattr(ending, "state", ""), "value", getattr(ending, "state", "")))
        self._state_label = end_state_label(self._ctx.i18n, state)
        self.ended_text.setText(
            _("The conversation is over: {state}. Your debrief is being prepared.").format(
                state=self._state_label
            )
        )
        self.ended_bar.show()
        self.finished.emit(self.play)

    def debrief_ready(self) -> None:
        """The score is computed: the trainee may open the debrief."""
        _ = self._ctx.i18n._
        self.debrief_button.setEnabled(True)
        self.ended_text.setText(
            _("The conversation is over: {state}. Your debrief is ready.").format(
                state=self._state_label
            )
        )

    def stop(self) -> None:
        """Leaving the play: the clock stops for good."""
        self.ended = True
        self.clock.stop()
