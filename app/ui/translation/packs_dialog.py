"""The language pack manager: what is installed, install from a file, download, remove.

Every operation runs on the compute lane with progress and cancel; a refused
pack is reported with its reason and changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ops import packs as pack_ops
from app.ops import translation_data
from app.ops.context import AppContext
from app.translation.api import PUBLIC_INDEX, CatalogueEntry, PackInfo
from app.ui.shell.labels import localize


class _Progress(QObject):
    """Carries progress from a worker thread to the dialog (queued signal)."""

    moved = Signal(float)


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


class PackManagerDialog(QDialog):
    """Installed packs and the actions on them.

    Signals:
        changed(object): a pack was installed, upgraded or removed (its Changes, once the
            cached translations of a replaced or removed pack are gone too).
    """

    changed = Signal(object)
    bar: QProgressBar  # created below the table; the progress signal refers to it first

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        i18n = ctx.i18n
        _ = i18n._
        self.setWindowTitle(_("Language packs"))
        self.resize(760, 460)
        self._cancel = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(lambda f: self.bar.setValue(int(f * 1000)))
        self.packs: list[PackInfo] = []

        intro = QLabel(
            _(
                "Translation runs on this computer: one pack per language pair "
                "(pairs without a direct pack go through a shared language, such as "
                "English)."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("packsTable")
        self.table.setHorizontalHeaderLabels([_("Languages"), _("Version"), _("Size")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.install_button = QPushButton(_("Install from file…"), self)
        self.install_button.setObjectName("installFromFile")
        self.install_button.clicked.connect(self._choose_file)
        self.download_button = QPushButton(_("Download…"), self)
        self.download_button.clicked.connect(lambda: self._ask_download())
        self.remove_button = QPushButton(_("Remove"), self)
        self.remove_button.setObjectName("removePack")
        self.remove_button.clicked.connect(self._remove_selected)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.hide()
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.cancel_button.hide()
        needed_title = QLabel(_("Needed by this inbox"), self)
        needed_title.setObjectName("sectionTitle")
        self.needed_note = QLabel(self)
        self.needed_note.setObjectName("muted")
        self.needed_note.setWordWrap(True)
        self.needed = QListWidget(self)  # the missing pairs, most conversations first
        self.needed.setObjectName("neededPairs")
        self.needed.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.needed.setMaximumHeight(120)
        self.needed.setToolTip(_("Double-click a pair to download a pack for it."))
        self.needed.itemActivated.connect(lambda item: self._needed_chosen(self.needed.row(item)))
        self.needed_pairs: list[pack_ops.NeededPair] = []
        self.status = QLabel(self)
        self.status.setObjectName("packStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        actions = QHBoxLayout()
        for button in self._buttons():
            actions.addWidget(button)
        actions.addStretch(1)
        progress = QHBoxLayout()
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(needed_title)
        layout.addWidget(self.needed_note)
        layout.addWidget(self.needed)
        layout.addLayout(progress)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.refresh()

    # ------------------------------------------------------------------ listing
    def refresh(self) -> None:
        service = self._ctx.translation
        if service is None:
            return
        self._ctx.tasks.run(
            lambda: pack_ops.installed(service), self._show, self._failed, owner=self
        )
        agent = self._ctx.agent_language
        self._ctx.tasks.run_store(
            lambda store: pack_ops.needed_pairs(store, service, agent),
            self._show_needed,
            self._failed,
            owner=self,
        )

    def _show_needed(self, pairs: list[pack_ops.NeededPair]) -> None:
        """The language pairs this inbox's conversations need and no pack provides."""
        i18n = self._ctx.i18n
        self.needed_pairs = pairs
        self.needed.clear()
        for pair in pairs:
            self.needed.addItem(
                i18n.ngettext(
                    "{source} → {target}: {count} conversation",
                    "{source} → {target}: {count} conversations",
                    pair.conversations,
                ).format(
                    source=i18n.language_name(pair.source),
                    target=i18n.language_name(pair.target),
                    count=i18n.number(pair.conversations),
                )
            )
        self.needed.setVisible(bool(pairs))
        self.needed_note.setText(
            i18n._(
                "Install these to read and answer every customer in this inbox in their "
                "language (a pair can also go through English)."
            )
            if pairs
            else i18n._("Every customer language in this inbox can be translated.")
        )

    def _show(self, packs: list[PackInfo]) -> None:
        i18n = self._ctx.i18n
        self.packs = packs
        self.table.setRowCount(len(packs))
        for row, pack in enumerate(packs):
            names = f"{i18n.language_name(pack.from_code)} → {i18n.language_name(pack.to_code)}"
            for column, text in enumerate((names, pack.version, _size(pack.size_bytes))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if not packs:
            self.status.setText(
                i18n._(
                    "No language pack is installed: customer messages are "
                    "shown as written. Install a pack from a file, or "
                    "download one."
                )
            )

    # ------------------------------------------------------------------ operations
    def _buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.install_button,
            self.download_button,
            self.remove_button,
        )

    def _busy(self, busy: bool) -> None:
        for button in self._buttons():
            button.setEnabled(not busy)
        self.bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.bar.setValue(0)
            self._cancel.clear()

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self._ctx.i18n._("Install a language pack"),
            str(Path.home()),
            self._ctx.i18n._("Argos language packs (*.argosmodel *.zip)"),
        )
        if path:
            self.install(Path(path))

    def install_files(self, paths: list[Path], outcomes: tuple[str, ...] = ()) -> None:
        """Install several files one after the other (the welcome dialog's choice); each
        is checked on its own, one that fails does not stop the others, and the status
        ends with every file's outcome, each naming its file."""
        if not paths:
            if len(outcomes) > 1:
                self.status.setText("\n".join(outcomes))
            return

        def next_file() -> None:
            outcome = f"{paths[0].name}: {self.status.text()}"
            self.install_files(paths[1:], (*outcomes, outcome))

        self.install(paths[0], then=next_file)

    def install(self, path: Path, then: Callable[[], None] | None = None) -> None:
        """Validate and install a pack file (replacing an older version of its pair)."""
        service = self._ctx.translation
        if service is None:
            return
        _ = self._ctx.i18n._
        self._busy(True)
        self.status.setText(_("Checking and installing {file}…").format(file=path.name))
        before = {(p.from_code, p.to_code): p.key for p in self.packs}
        cancel, progress = self._cancel, self._progress.moved.emit

        def work() -> PackInfo:
            return pack_ops.install_file(service, path, progress=progress, cancel=cancel)

        def done(info: PackInfo) -> None:
            self._busy(False)
            replaced = before.get((info.from_code, info.to_code))
            message = _("Installed {pair}, version {version}.").format(
                pair=f"{info.from_code} → {info.to_code}", version=info.version
            )
            self.status.setText(message)
            self.refresh()
            self._packs_changed(replaced if replaced and replaced != info.key else None)
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self._failed(error)
            self.refresh()  # the list shows what is on disk, whatever the failure left
            if then is not None:
                then()

        self._ctx.tasks.run(work, done, failed, owner=self)

    def _packs_changed(self, replaced: str | None) -> None:
        self._ctx.tasks.run_store(
            lambda store: translation_data.packs_changed(store, replaced),
            self.changed.emit,
            self._failed,
            owner=self,
        )

    def _remove_selected(self) -> None:
        service = self._ctx.translation
        rows = {index.row() for index in self.table.selectedIndexes()}
        if service is None or not rows:
            return
        pack = self.packs[min(rows)]
        self._busy(True)

        def done(_result: None) -> None:
            self._busy(False)
            self.status.setText(
                self._ctx.i18n._("Removed {pair}.").format(
                    pair=f"{pack.from_code} → {pack.to_code}"
                )
            )
            self.refresh()
            self._packs_changed(pack.key)

        self._ctx.tasks.run(
            lambda: pack_ops.uninstall(service, pack), done, self._failed, owner=self
        )

    def _ask_download(self, wanted: pack_ops.NeededPair | None = None) -> DownloadDialog:
        dialog = DownloadDialog(self._ctx, self)
        if wanted is not None:  # a needed pair: chosen in the catalogue once it is listed
            dialog.wanted = (wanted.source, wanted.target)
        dialog.accepted.connect(
            lambda: self.download(dialog.url.text().strip(), dialog.sha256.text().strip() or None)
        )
        dialog.open()
        return dialog

    def _needed_chosen(self, row: int) -> None:
        if 0 <= row < len(self.needed_pairs):
            self._ask_download(self.needed_pairs[row])

    def download(self, url: str, sha256: str | None) -> None:
        """Fetch a pack the agent asked for (resumable, checked), then install it."""
        service = self._ctx.translation
        if service is None or not url:
            return
        self._busy(True)
        target = pack_ops.download_target(service, url)
        cancel, progress = self._cancel, self._progress.moved.emit
        self.status.setText(self._ctx.i18n._("Downloading {url}…").format(url=url))

        def done(path: Path) -> None:
            self._busy(False)
            self.install(path)

        self._ctx.tasks.run(
            lambda: pack_ops.download(target, url, sha256=sha256, progress=progress, cancel=cancel),
            done,
            self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.status.setText(
            self._ctx.i18n._("Not done: {reason}").format(reason=localize(self._ctx.i18n, error))
        )


class DownloadDialog(QDialog):
    """Where to download a pack from, and the checksum it must have."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = ctx.i18n._
        self.setWindowTitle(_("Download a language pack"))
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("https://…/translate-es_en-1_9.argosmodel")
        self.sha256 = QLineEdit(self)
        self.sha256.setPlaceholderText(_("64 hexadecimal characters, from whoever publishes it"))
        note = QLabel(
            _(
                "CrossDesk connects only to this address, only now. The file is checked "
                "against the SHA-256 before it is installed; an interrupted download "
                "resumes."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("muted")
        self._ctx = ctx
        self.catalogue = QComboBox(self)
        self.catalogue.setObjectName("catalogue")
        self.catalogue.setEnabled(False)
        self.catalogue.currentIndexChanged.connect(self._entry_chosen)
        self.browse = QPushButton(_("List the packs of the public Argos index"), self)
        self.browse.setToolTip(PUBLIC_INDEX)
        self.browse.clicked.connect(lambda: self.load_catalogue(PUBLIC_INDEX))
        self.catalogue_note = QLabel(self)
        self.catalogue_note.setWordWrap(True)
        self.catalogue_note.setObjectName("muted")
        self.entries: list[CatalogueEntry] = []
        self.wanted: tuple[str, str] | None = None  # the pair to choose once listed
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.browse)
        form.addRow(_("Pack"), self.catalogue)
        form.addRow(self.catalogue_note)
        form.addRow(_("Address"), self.url)
        form.addRow(_("SHA-256"), self.sha256)
        form.addRow(note)
        form.addRow(buttons)

    def load_catalogue(self, url: str) -> None:
        """Fetch an index of packs (the agent clicked; the only moment it is contacted)."""
        i18n = self._ctx.i18n
        self.catalogue_note.setText(i18n._("Reading {url}…").format(url=url))
        self._ctx.tasks.run(
            lambda: pack_ops.catalogue(url),
            self._show_catalogue,
            lambda e: self.catalogue_note.setText(localize(i18n, e)),
            owner=self,
        )

    def _show_catalogue(self, entries: list[CatalogueEntry]) -> None:
        i18n = self._ctx.i18n
        self.entries = sorted(
            entries, key=lambda e: (i18n.language_name(e.from_code), i18n.language_name(e.to_code))
        )
        self.catalogue.blockSignals(True)
        self.catalogue.clear()
        for entry in self.entries:
            self.catalogue.addItem(
                f"{i18n.language_name(entry.from_code)} → "
                f"{i18n.language_name(entry.to_code)} ({entry.version})"
            )
        self.catalogue.blockSignals(False)
        self.catalogue.setEnabled(bool(self.entries))
        self.catalogue_note.setText(
            i18n.ngettext(
                "{count} pack listed.", "{count} packs listed.", len(self.entries)
            ).format(count=len(self.entries))
        )
        if self.entries:
            wanted = next(
                (i for i, e in enumerate(self.entries) if (e.from_code, e.to_code) == self.wanted),
                0,
            )
            self.catalogue.setCurrentIndex(wanted)
            self._entry_chosen(wanted)

    def _entry_chosen(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        entry = self.entries[index]
        self.url.setText(entry.url)
        self.sha256.setText(entry.sha256 or "")
        if not entry.sha256:
            self.catalogue_note.setText(
                self._ctx.i18n._(
                    "This index publishes no checksum: the pack will be checked by its contents "
                    "only. Paste a SHA-256 if you have one."
                )
            )
