"""The diagnostics zip: what a support engineer gets, and what they must never get.

The demo workspace's people are planted into real log files (the way a traceback or a
quarantined record would carry them); the zip is opened and searched for every one.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import json
import logging
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import app
from app.config import logs
from app.config.paths import Paths, resources_dir
from app.config.settings import ServerWorkspace, Settings
from app.contract.demo_schema import DemoWorkspace, load_demo
from app.ops import diagnostics
from app.ops.demo import load_demo_into
from app.ops.diagnostics import (
    DiagnosticsError,
    build_diagnostics,
    default_name,
    server_origin,
    settings_summary,
    workspace_facts,
)
from app.storage.store import Store
from tests.helpers.builders import NOW

DEMO = resources_dir() / "demo"
SERVER = "https://ana.lima:hunter2@desk.example.com:8443/team/x?token=s3cret"
SETTINGS = Settings(
    workspace=ServerWorkspace(SERVER, "ana.lima"),
    workspace_agent_name="Ana Lima",
    ca_bundle="/srv/certs/acme-internal-ca.pem",
    log_level="debug",
)
BODY = "Olá, meu pedido LM-2026-0042 chegou quebrado, podem trocar?"


@pytest.fixture(scope="module")
def demo() -> DemoWorkspace:
    return load_demo(DEMO)


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """configure_logging changes the process's root logger and faulthandler: undone."""
    root = logging.getLogger()
    level = root.level
    yield
    logs.shutdown_logging()
    root.setLevel(level)


def people(demo: DemoWorkspace) -> list[str]:
    """Every customer's name and contact handle, and every agent's name and e-mail."""
    found = []
    for customer in demo.customers:
        found.append(customer.name)
        found.extend(h for h in customer.handles.values() if h)
    for agent in demo.workspace.agents:
        found.append(agent.name)
        found.extend([agent.email] if agent.email else [])
    return found


def plant(paths: Paths, demo: DemoWorkspace) -> None:
    """Log lines as the app writes them, carrying the demo's people and a message text."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    stamp = "2027-01-15 08:00:00,000"
    lines = [f"{stamp} INFO app.sync.engine: operation 12 failed (try 2): again in 30 s"]
    for index, value in enumerate(people(demo)):
        lines.append(f"{stamp} WARNING app.test: row {index}: could not match '{value}' here")
    lines.append(
        f"{stamp} WARNING app.sync.client: quarantined MessageRecord #3 from /v1/changes "
        f"(request r-1): 1 validation error for MessageRecord body Value error, text with "
        f"control characters [type=value_error, input_value='{BODY}', input_type=str]"
    )
    lines.append(f"{stamp} ERROR app.ui.shell.errors: unexpected error")
    lines.append("Traceback (most recent call last):")
    lines.append(f'  File "{Path.home()}/src/app/ops/reply.py", line 88, in send')
    lines.append(f"ValueError: Message(id=7, body='{BODY}', kind='agent')")
    lines.append(f"{stamp} INFO app.test: card 4111 1111 1111 1111, IBAN DE89370400440532013000")
    paths.log_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    old = paths.log_file.with_name("crossdesk.log.1")
    old.write_text(f"{stamp} INFO app.test: older run for {demo.customers[0].name}\n", "utf-8")
    crash = paths.logs / "crash.log"
    crash.write_text(
        f'Fatal Python error: Segmentation fault\n\n  File "{Path.home()}/x/engine.py", line 3'
        " in translate\n",
        encoding="utf-8",
    )


def export(
    repo: Store, tmp_path: Path, demo: DemoWorkspace, settings: Settings = SETTINGS
) -> tuple[diagnostics.DiagnosticsReport, dict[str, str]]:
    load_demo_into(repo, DEMO, NOW)
    paths = Paths(tmp_path / "data")
    plant(paths, demo)
    facts = workspace_facts(repo, NOW)
    report = build_diagnostics(
        tmp_path / "support.zip",
        paths=paths,
        settings=settings,
        now=NOW,
        qt={"qt": "6.11.3", "pyside6": "6.11.3", "platform": "offscreen"},
        facts=facts,
        packs=["es-en 1.9", "en-es 1.9"],
    )
    with zipfile.ZipFile(report.path) as archive:
        assert archive.testzip() is None
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    return report, texts


def test_no_person_of_the_workspace_is_in_the_zip(
    repo: Store, tmp_path: Path, demo: DemoWorkspace
) -> None:
    report, texts = export(repo, tmp_path, demo)
    everything = "\n".join(texts.values()).casefold()
    planted = people(demo)
    assert len(planted) > 150  # names, e-mails, phones, LINE ids of the whole demo
    leaked = [value for value in planted if value.casefold() in everything]
    assert leaked == []
    log = texts["logs/crossdesk.log"]
    # Each planted line is still there, its person replaced by a label.
    assert log.count("could not match '[") == len(planted)
    assert {"[name]", "[e-mail]", "[phone]"} <= set(re.findall(r"\[[a-z -]+\]", log))
    # Name parts alone too (a first name in a signature), for Latin and CJK names.
    words = set(re.findall(r"\w+", log.casefold()))
    first_names = {c.name.split()[0].casefold() for c in demo.customers if " " in c.name}
    assert {w for w in first_names if len(w) >= 3} & words == set()
    assert "older run for [name]" in texts["logs/crossdesk.log.1"]
    assert report.redactions["name"] > 100 and report.redactions["phone"] > 10


def test_message_texts_cards_ibans_and_orders_are_removed(
    repo: Store, tmp_path: Path, demo: DemoWorkspace
) -> None:
    report, texts = export(repo, tmp_path, demo)
    log = texts["logs/crossdesk.log"]
    assert "pedido" not in log and "quebrado" not in log
    assert "input_value=[message text removed], input_type=str" in log
    assert "body=[message text removed], kind='agent'" in log
    assert "card [card number], IBAN [IBAN]" in log
    assert "LM-2026-0042" not in "".join(texts.values())
    assert report.redactions["message_text"] == 2
    # What a support engineer needs stays readable.
    assert "operation 12 failed (try 2): again in 30 s" in log
    assert "2027-01-15 08:00:00,000 ERROR app.ui.shell.errors: unexpected error" in log
    # The home folder holds the login name: shown as ~.
    assert str(Path.home()) not in "".join(texts.values())
    assert 'File "~/src/app/ops/reply.py", line 88, in send' in log
    assert "Segmentation fault" in texts["logs/crash.log"]
    assert 'File "~/x/engine.py"' in texts["logs/crash.log"]


def test_settings_keep_the_server_and_lose_the_agent_and_secrets(
    repo: Store, tmp_path: Path, demo: DemoWorkspace
) -> None:
    _report, texts = export(repo, tmp_path, demo)
    settings = json.loads(texts["settings.json"])
    assert settings["workspace"] == {"server": "https://desk.example.com:8443"}
    assert settings["workspace_agent_name"] == "[removed]"
    assert settings["ca_bundle"] == "[removed]"
    assert settings["log_level"] == "debug" and settings["quiet_hours"] is None
    everything = "\n".join(texts.values())
    for secret in ("ana.lima", "Ana Lima", "hunter2", "s3cret", "/team/x", "acme-internal"):
        assert secret not in everything


def test_the_manifest_lists_every_file_and_what_was_redacted(
    repo: Store, tmp_path: Path, demo: DemoWorkspace
) -> None:
    report, texts = export(repo, tmp_path, demo)
    assert report.entries[0] == "manifest.json"
    manifest = json.loads(texts["manifest.json"])
    listed = {f["name"] for f in manifest["files"]}
    assert listed | {"manifest.json"} == set(texts) == set(report.entries)
    assert {
        "about.json",
        "distributions.txt",
        "settings.json",
        "language-packs.txt",
        "workspace.json",
        "logs/crossdesk.log",
        "logs/crossdesk.log.1",
        "logs/crash.log",
    } == listed
    assert all(f["redacted"] for f in manifest["files"] if f["name"].startswith("logs/"))
    assert manifest["settings_removed"] == [
        "workspace.agent_id",
        "workspace_agent_name",
        "ca_bundle",
    ]
    assert manifest["redaction"]["found"] == dict(report.redactions)
    assert manifest["redaction"]["all_workspace_names_known"] is True
    assert manifest["crossdesk"] == app.__version__
    assert manifest["created_at"] == dt.datetime.fromtimestamp(NOW, dt.UTC).isoformat()


def test_versions_packs_and_workspace_counts(
    repo: Store, tmp_path: Path, demo: DemoWorkspace
) -> None:
    _report, texts = export(repo, tmp_path, demo)
    about = json.loads(texts["about.json"])
    assert about["crossdesk"] == app.__version__
    assert about["qt"] == {"qt": "6.11.3", "pyside6": "6.11.3", "platform": "offscreen"}
    assert re.fullmatch(r"3\.\d+\.\d+", about["python"])
    packages = texts["distributions.txt"].splitlines()
    assert any(re.fullmatch(r"(?i)phonenumbers==[\d.]+", p) for p in packages)
    assert packages == sorted(packages, key=str.casefold)
    assert texts["language-packs.txt"] == "es-en 1.9\nen-es 1.9\n"
    counts = json.loads(texts["workspace.json"])
    assert counts["conversations"] == repo.conversations.conversation_count() >= 80
    assert counts["messages"] == sum(len(c.messages) for c in demo.conversations)
    assert counts["outbox"] == {"pending": 0, "needs_attention": 0, "conflict": 0}
    assert counts["schema_version"] >= 10


def test_a_long_log_is_cut_to_its_end_and_said_so(
    repo: Store, tmp_path: Path, demo: DemoWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagnostics, "MAX_READ_BYTES", 300)
    _report, texts = export(repo, tmp_path, demo)
    manifest = json.loads(texts["manifest.json"])
    cut = {f["name"]: f.get("truncated_to_last_bytes") for f in manifest["files"]}
    assert cut["logs/crossdesk.log"] == 300 and cut["logs/crossdesk.log.1"] is None
    log = texts["logs/crossdesk.log"]
    assert "operation 12 failed" not in log  # the start went
    assert log.endswith("card [card number], IBAN [IBAN]\n")  # the end is kept


def test_no_workspace_still_gives_the_logs(tmp_path: Path, demo: DemoWorkspace) -> None:
    paths = Paths(tmp_path / "data")
    plant(paths, demo)
    report = build_diagnostics(
        tmp_path / "d.zip", paths=paths, settings=Settings(), now=NOW, qt={}, facts=None, packs=[]
    )
    assert "workspace.json" not in report.entries and "logs/crossdesk.log" in report.entries
    with zipfile.ZipFile(report.path) as archive:
        log = archive.read("logs/crossdesk.log").decode()
    # Without the workspace's names the pattern finders still work.
    for customer in demo.customers:
        for handle in customer.handles.values():
            if "@" in handle or handle.startswith("+"):
                assert handle not in log


def test_a_bad_target_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "data")
    kwargs = {"paths": paths, "settings": Settings(), "now": NOW, "qt": {}, "facts": None}
    with pytest.raises(DiagnosticsError, match="does not exist"):
        build_diagnostics(tmp_path / "missing" / "d.zip", packs=[], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(DiagnosticsError, match="is a folder"):
        build_diagnostics(tmp_path, packs=[], **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_server_origin_keeps_only_scheme_host_and_port() -> None:
    assert server_origin(SERVER) == "https://desk.example.com:8443"
    assert server_origin("http://[::1]:8000/v1") == "http://[::1]:8000"
    assert server_origin("not a url") == "[not a URL]"
    assert server_origin("https://host:99999") == "[not a URL]"
    shown, removed = settings_summary(Settings())
    assert removed == [] and shown["workspace"] is None


def test_default_name_has_the_date_and_time() -> None:
    assert re.fullmatch(r"crossdesk-diagnostics-\d{8}-\d{4}\.zip", default_name(NOW))


def test_logging_goes_to_the_rotating_file_and_crashes_to_crash_log(
    tmp_path: Path, logging_restored: None
) -> None:
    paths = Paths(tmp_path / "d", log_dir=tmp_path / "oslogs")
    assert logs.configure_logging(paths, "warning") == tmp_path / "oslogs" / "crossdesk.log"
    logging.getLogger("app.test").info("not at warning")
    logging.getLogger("app.test").warning("kept at warning")
    logs.announce(logs.startup_line(paths, "warning"))
    text = paths.log_file.read_text(encoding="utf-8")
    assert "not at warning" not in text and "WARNING app.test: kept at warning" in text
    line = re.search(r"INFO app: (CrossDesk .*)", text)
    assert line is not None
    assert line[1].startswith(f"CrossDesk {app.__version__} starting: ")
    assert f"data folder {tmp_path / 'd'}, config {tmp_path / 'd'}, log level warning" in line[1]
    assert re.search(r"Python 3\.\d+\.\d+, Qt 6\.[\d.]+ / PySide6 6\.[\d.]+", line[1])
    assert faulthandler.is_enabled() and (paths.logs / "crash.log").is_file()
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert (handler.maxBytes, handler.backupCount) == (logs.MAX_LOG_BYTES, logs.LOG_BACKUPS)
    logs.configure_logging(paths, "debug")  # again: one handler, the new level
    ours = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert len(ours) == 1 and logging.getLogger().level == logging.DEBUG


def test_an_unwritable_log_folder_falls_back_to_stderr(
    tmp_path: Path, logging_restored: None
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert logs.configure_logging(Paths(tmp_path, log_dir=blocker / "logs"), "info") is None
    assert logs.level_number("nonsense") == logging.INFO


def test_numbers_and_initials_in_names_are_not_taken_for_names() -> None:
    assert diagnostics.name_variants("Agent 12") == ["Agent 12"]
    assert diagnostics.name_variants("Ana B. Souza") == ["Ana B. Souza", "Ana", "Souza"]
    assert diagnostics.name_variants("  ") == []
    cleaner = diagnostics.LogCleaner(["Agent 12", "Ana"], frozenset({"souza"}), None)
    assert cleaner.line("operation 12 failed for Ana Souza (try 12)") == (
        "operation 12 failed for [name] [name] (try 12)"
    )
    assert cleaner.counts["name"] == 2


CRASH = """
import faulthandler, sys
from pathlib import Path
from app.config.logs import configure_logging
from app.config.paths import Paths
configure_logging(Paths(Path(sys.argv[1])), "info")
faulthandler._sigsegv()  # what a crash inside Qt or CTranslate2 looks like to Python
"""


def test_a_native_crash_leaves_its_trace_in_crash_log_and_the_zip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(data)], capture_output=True, timeout=60, check=False
    )
    assert crashed.returncode != 0
    trace = (data / "logs" / "crash.log").read_text("utf-8")
    assert "Fatal Python error: Segmentation fault" in trace and "<module>" in trace
    report = build_diagnostics(
        tmp_path / "d.zip", paths=Paths(data), settings=Settings(), now=NOW, qt={}, facts=None,
        packs=[],
    )  # fmt: skip
    with zipfile.ZipFile(report.path) as archive:
        assert "Segmentation fault" in archive.read("logs/crash.log").decode()


def test_a_big_crash_log_is_moved_aside_at_start_up(tmp_path: Path, logging_restored: None) -> None:
    paths = Paths(tmp_path)
    paths.logs.mkdir()
    (paths.logs / "crash.log").write_text("x" * (logs.MAX_CRASH_BYTES + 1))
    logs.configure_logging(paths, "info")
    assert (paths.logs / "crash.log").stat().st_size == 0
    assert (paths.logs / "crash.log.1").stat().st_size == logs.MAX_CRASH_BYTES + 1
