"""Export a transcript from the window and from the command line; a redacted one
contains none of the customer's personal data (read back from the PDF and the HTML)."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.domain.review import AnnotationKind, ReviewState, Role, Severity
from app.ops import review
from app.storage.store import Store
from app.translation.pipeline import Provenance, ProvenanceKind
from app.ui.report import cli
from app.ui.report.export_dialog import ExportDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui

EMAIL = "lucia.garcia+pedidos@example.com.mx"
PHONE = "+52 55 1234 5678"
CARD = "4111 1111 1111 1111"
IBAN = "ES91 2100 0418 4502 0005 1332"
HANDLE = "lucia_g_mx"
HOSTILE = "<script>alert('x')</script><b>negrita</b> factura\u202egnp.exe"
PERSONAL = [EMAIL, PHONE, CARD, IBAN, HANDLE, "Lucía", "García", "Mei Agent", "Mei"]


@pytest.fixture
def conversation(repo: Store) -> int:
    agents = add_agents(repo)
    conv = lucia(
        (MessageKind.CUSTOMER, f"hola, soy Lucía García. Mi correo es {EMAIL}, tel {PHONE}."),
        (MessageKind.CUSTOMER, f"pagué con la tarjeta {CARD}, reembolso al IBAN {IBAN}."),
        (MessageKind.CUSTOMER, "¿dónde está mi pedido LM-2026-104233?"),
        (MessageKind.CUSTOMER, HOSTILE),
        subject="Pedido de Lucía García",
        handles={"email": EMAIL, "line": HANDLE},
        assignee="me",
    )
    cid = add_conversation(repo, conv, agents)
    with repo.transaction():
        reply = repo.messages.add_message(
            cid,
            MessageKind.AGENT,
            "tu pedido sale hoy, lucía. saludos, mei",
            NOW - 60,
            author_agent_id=agents["me"],
            language="es-MX",
            original_body="Your order ships today, Lucía. Regards, Mei",
            original_language="en",
            provenance=Provenance(ProvenanceKind.MT, confidence=0.9).to_json(),
        )
    review.set_roles(repo, agents["me"], [Role.LEAD])
    review.add_annotation(
        repo,
        cid,
        reply,
        AnnotationKind.PRAISE,
        Severity.MINOR,
        "Clear answer for Lucía, well done Mei",
        agents["me"],
        NOW,
    )
    found, _opened = review.open_review(repo, cid, agents["me"], NOW)
    review.update_review(
        repo,
        found.id,
        NOW,
        scores={"greeting": 4, "solution": 3},
        comment="Lucía got her answer; call her on +52 55 1234 5678 next time",
        state=ReviewState.DONE,
    )
    return cid


@pytest.fixture
def window(conversation: int, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    win = spanish_desk()
    qtbot.waitUntil(lambda: "DÓNDE ESTÁ MI PEDIDO" in thread_text(win), timeout=5000)
    return win


def export_from_menu(window: MainWindow, qtbot: QtBot, path: Path, *, redact: bool) -> None:
    """Conversation → Export transcript…, as a lead does it."""
    action = next(a for a in window.actions_for_help if a.text() == "Export transcript…")
    assert isinstance(action, QAction)
    action.trigger()
    dialog = window.findChildren(ExportDialog)[-1]
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(path.suffix.lstrip(".")))
    dialog.redact_box.setChecked(redact)
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_button.click()
    assert "Saved to" in dialog.status.text()


def squeeze(text: str) -> str:
    """Extracted text compared without layout: compatibility forms folded (a PDF's CJK
    glyphs may come back as radicals), no whitespace (lines break anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(path: Path) -> str:
    return squeeze("".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(path: Path) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(path.read_text("utf-8"))
    return "".join(parser.parts), parser.tags


def assert_redacted(text: str) -> None:
    for original in PERSONAL:
        assert squeeze(original) not in text, original
    assert "5512345678" not in text and "4111111111111111" not in text


def test_a_redacted_pdf_contains_none_of_the_originals(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "lucia.pdf"
    export_from_menu(window, qtbot, target, redact=True)
    text = pdf_text(target)
    assert_redacted(text)
    for kept in (
        "¿dóndeestámipedidoLM-2026-104233?",  # order numbers stay unless asked
        "¿DÓNDEESTÁMIPEDIDOLM-2026-104233?",  # the translation beside it
        "Yourordershipstoday,Customer",  # the agent's own words, the name a role
        "tupedidosalehoy",  # the exact text sent
        "Customer",
        "Agent1",
        "[e-mail]",
        "[phone]",
        "[cardnumber]",
        "[IBAN]",
        "Praise",
        "Clearanswerfor",
        "QAscorecard",
        "Greeting4/4",
        "Solution3/4",
        "Customergotheranswer;callheron[phone]nexttime",
        "<script>alert('x')</script><b>negrita</b>",  # the customer's markup, as text
    ):
        assert squeeze(kept) in text, kept


def test_a_redacted_html_page_contains_none_of_the_originals_and_no_markup_from_customers(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "lucia.html"
    export_from_menu(window, qtbot, target, redact=True)
    source = target.read_text("utf-8")
    text, tags = html_text(target)
    assert_redacted(squeeze(text))
    assert_redacted(squeeze(html.unescape(source)))
    assert "script" not in tags and "b" not in tags  # the customer's markup stayed text
    assert "<script>alert('x')</script><b>negrita</b>" in text
    assert "\u202e" not in source  # the override cannot turn the page around
    assert "¿DÓNDE ESTÁ MI PEDIDO LM-2026-104233?" in text  # bilingual
    assert 'dir="auto"' in source


def test_without_redaction_the_transcript_keeps_every_word(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    target = tmp_path / "full.html"
    export_from_menu(window, qtbot, target, redact=False)
    text, _tags = html_text(target)
    for original in (EMAIL, PHONE, CARD, IBAN, HANDLE, "Lucía García", "Mei Agent"):
        assert original in text


def test_an_unwritable_folder_is_said_in_the_dialog_and_the_choices_stay(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    action = next(a for a in window.actions_for_help if a.text() == "Export transcript…")
    action.trigger()
    dialog = window.findChildren(ExportDialog)[-1]
    dialog.redact_box.setChecked(True)
    missing = tmp_path / "no such folder" / "out.pdf"
    dialog.path_edit.setText(str(missing))
    dialog.export_button.click()
    assert "Cannot save to" in dialog.status.text()
    assert dialog.isVisible() and dialog.redact_box.isChecked()
    assert dialog.path_edit.text() == str(missing)
    assert not missing.parent.exists()


# ---------------------------------------------------------------------- command line
def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("qapp")
def test_the_command_line_writes_a_redacted_pdf(
    conversation: int,
    repo: Store,
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    uid = repo.conversations.conversation_row(conversation).uid
    target = tmp_path / "cli.pdf"
    argv = ["--data-dir", str(tmp_path / "data"), "transcript", uid]
    argv += ["--workspace", str(store_path), "--format", "pdf", "--redact", "-o", str(target)]
    code, out, err = run_cli(argv, capsys)
    assert (code, err) == (0, "")
    assert str(target) in out
    text = pdf_text(target)
    assert_redacted(text)
    assert squeeze("¿dónde está mi pedido LM-2026-104233?") in text


@pytest.mark.usefixtures("qapp")
def test_the_command_line_redacts_order_numbers_when_asked(
    conversation: int,
    repo: Store,
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    uid = repo.conversations.conversation_row(conversation).uid
    target = tmp_path / "cli.html"
    argv = ["--workspace", str(store_path), "transcript", uid, "--redact", "--redact-orders"]
    code, _out, _err = run_cli([*argv, "-o", str(target)], capsys)
    assert code == 0
    text, _tags = html_text(target)
    assert "LM-2026-104233" not in text and "[order number]" in text


@pytest.mark.usefixtures("qapp")
def test_the_command_line_says_what_is_wrong_with_exit_code_2(
    conversation: int, store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--workspace", str(store_path), "transcript"]
    code, _out, err = run_cli([*base, "nope-1", "-o", str(tmp_path / "x.pdf")], capsys)
    assert code == 2 and "no conversation 'nope-1'" in err
    code, _out, err = run_cli([*base, "conv-1", "-o", str(tmp_path / "none" / "x.pdf")], capsys)
    assert code == 2 and "does not exist" in err
    code, _out, err = run_cli([*base, "conv-1", "-o", str(tmp_path / "x.txt")], capsys)
    assert code == 2 and "--format" in err
    missing = ["--workspace", str(tmp_path / "gone.sqlite3"), "transcript", "conv-1"]
    code, _out, err = run_cli([*missing, "-o", str(tmp_path / "x.pdf")], capsys)
    assert code == 2 and "no workspace file" in err
    assert not list(tmp_path.glob("x.*")) and "Traceback" not in err


@pytest.mark.usefixtures("qapp")
def test_the_demo_transcript_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "br.html"
    argv = ["--demo", "--data-dir", str(tmp_path / "data"), "--lang", "zh_CN"]
    code, _out, err = run_cli([*argv, "transcript", "br-0001", "-o", str(target)], capsys)
    assert (code, err) == (0, "")
    text, _tags = html_text(target)
    assert "Oi, boa tarde!" in text
    assert 'lang="zh-CN"' in target.read_text("utf-8")
