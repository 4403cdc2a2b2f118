"""Help → Export diagnostics: one zip a support engineer can read without seeing a customer.

What goes in: versions (app, platform, Python, Qt, every installed distribution), the
settings with anything personal or secret removed, the logs and ``crash.log`` redacted with
the rules of the lead's transcript exports (:mod:`app.domain.redact`: names, e-mails,
phones, cards, IBANs and order numbers), message texts dropped whole, the installed
language packs (names only) and counts about the workspace (never its text). A
``manifest.json`` says what is inside and what was redacted. Qt-free; the store is read on
the store lane (:func:`workspace_facts`), the zip is written on the compute lane.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import app
from app.config.logs import CRASH_LOG, LOG_BACKUPS, platform_text
from app.config.paths import Paths
from app.config.settings import Settings
from app.domain.filters import InboxQuery, SortOrder
from app.domain.models import Status
from app.domain.redact import DEFAULT_ORDER_PATTERN, MAX_LITERALS, Labels, RedactOptions, Redactor
from app.ops import packs as pack_ops
from app.ops.translation import TranslationService
from app.storage.migrations import LATEST as SCHEMA_VERSION
from app.storage.store import Store

MAX_READ_BYTES = 2_000_000  # of each log file, from its end (rotation keeps them ~1 MB)
MAX_SCANNED = 100_000  # conversations whose customer names are collected for redaction
MAX_HANDLE_CUSTOMERS = 2_000  # the most recent: their handles (LINE ids...) are redacted too
MAX_NAME_WORDS = 400_000
MAX_DISTRIBUTIONS = 2_000
ROW_CHUNK = 500
TEXT_REMOVED = "[message text removed]"
LABELS = Labels()  # support reads English: the labels are not translated

# Settings a support engineer may read as they are; any other (new) field is removed.
_PLAIN_SETTINGS = frozenset((
    "ui_language", "agent_language", "notify_assigned", "notify_messages", "notify_sla",
    "notify_held", "notify_sound", "quiet_hours", "appearance", "log_level", "first_run_done",
    "retention_days", "lock_after_minutes",
))  # fmt: skip
# The log line's own prefix (timestamp, level, logger): kept, never redacted.
_PREFIX = re.compile(
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?:DEBUG|INFO|WARNING|ERROR|CRITICAL) [^\s:]{1,200}: "
)
# Where a message text can sit in a log line: pydantic's echo of a bad value, and
# key=value or "key": value pairs of the fields that hold customer or agent text.
_TEXT_KEYS = (
    r"body|text|body_text|preview|last_message_preview|subject|draft|note|translation|"
    r"translated|source_text|original|reply|content|comment|input"
)
_PYDANTIC_INPUT = re.compile(r"input_value=.*?(?=, input_type=|$)")
_QUOTED_TEXT = re.compile(
    rf"""(?P<key>["']?\b(?:{_TEXT_KEYS})\b["']?\s{{0,3}}[:=]\s{{0,3}})"""
    r"""(?P<q>["'])(?:\\.|(?!(?P=q)).){0,200000}(?:(?P=q)|$)""",  # unclosed: to the end
    re.IGNORECASE,
)
_BARE_TEXT = re.compile(rf"""(?P<key>\b(?:{_TEXT_KEYS})=)(?!["'\[]).*$""", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_ORDER = re.compile(DEFAULT_ORDER_PATTERN)
# A number standing alone: digits and the separators phone numbers are written with.
_SMALL_NUMBER = re.compile(r"(?<![\w+])\d(?:[ .()/-]{0,3}\d)*(?!\w)")
_MASK_BASE, _MAX_MASKS = 0xE000, 6000  # Unicode's private use area
MAX_CACHED_LINES = 20_000
_KINDS = ("message_text", "name", "email", "phone", "card", "iban", "order")


class DiagnosticsError(Exception):
    """The zip cannot be written where asked; the message says why."""


@dataclass(frozen=True, slots=True)
class WorkspaceFacts:
    """Counts about the open workspace, and the names to redact (never written out)."""

    conversations: int
    messages: int
    articles: int
    outbox: Mapping[str, int]
    schema_version: int
    names_complete: bool  # False: more conversations than MAX_SCANNED (newest read)
    literals: tuple[str, ...] = field(repr=False)  # full names and handles, most recent first
    words: frozenset[str] = field(repr=False)  # every name part, case-folded

    def counts(self) -> dict[str, Any]:
        """What goes into the zip: numbers only."""
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "knowledge_articles": self.articles,
            "outbox": dict(self.outbox),
            "schema_version": self.schema_version,
            "messages_of_every_conversation": self.names_complete,  # else of the newest
        }


@dataclass(frozen=True, slots=True)
class DiagnosticsReport:
    """What was written: the zip, its entries, and how much of each kind was redacted."""

    path: Path
    entries: tuple[str, ...]
    redactions: Mapping[str, int]
    size_bytes: int


def name_variants(name: str) -> list[str]:
    """A person's full name and its parts (a first name alone in a log line)."""
    name = " ".join(name.split())
    parts = [
        p
        for p in name.replace(",", " ").split()
        if len(p) >= 2 and not p.endswith(".") and any(c.isalpha() for c in p)
    ]  # "Ana", not "Jr." nor the "2" of "Agent 2"
    if not name:
        return []
    return [name, *parts] if len(parts) > 1 else [name]


def _name_words(name: str) -> Iterable[str]:
    for word in _WORD.findall(name):
        # Short Latin parts ("Li", "Wu") are caught with the full name, not on their own:
        # alone they are too often a technical word of a log line.
        if not any(c.isalpha() for c in word):
            continue
        if len(word) >= 3 or (len(word) == 2 and not word.isascii()):
            yield word.casefold()


def workspace_facts(store: Store, now: int) -> WorkspaceFacts:
    """Store lane: counts (conversations, messages, outbox, schema) and the names of the
    people in the workspace, most recently active first (for redaction only)."""
    literals: dict[str, None] = {}
    words: set[str] = set()
    for agent in store.conversations.agents():
        literals.update(dict.fromkeys(name_variants(agent.name)))
        words.update(_name_words(agent.name))
        if agent.email:
            literals[agent.email] = None
    query = InboxQuery(statuses=frozenset(Status), sort=SortOrder.LAST_ACTIVITY)
    ids = store.conversations.conversation_ids(query, None, now)
    messages = 0
    scanned = ids[:MAX_SCANNED]
    for start in range(0, len(scanned), ROW_CHUNK):
        chunk = list(scanned[start : start + ROW_CHUNK])
        rows = store.conversations.conversation_rows(chunk)
        for position, cid in enumerate(chunk, start):
            row = rows.get(cid)
            if row is None:
                continue
            messages += row.message_count
            if len(words) < MAX_NAME_WORDS:
                words.update(_name_words(row.customer_name))
            if position < MAX_HANDLE_CUSTOMERS:
                customer = store.conversations.customer(store.conversations.customer_id(cid))
                literals.update(dict.fromkeys(name_variants(customer.name)))
                handles = (h.strip() for h in customer.handles.values() if isinstance(h, str))
                literals.update(dict.fromkeys(h for h in handles if len(h) >= 3))
    return WorkspaceFacts(
        conversations=store.conversations.conversation_count(),
        messages=messages,
        articles=store.articles.count(),
        outbox=store.outbox.counts(),
        schema_version=SCHEMA_VERSION,
        names_complete=len(ids) <= MAX_SCANNED,
        literals=tuple(literals),
        words=frozenset(words),
    )


class LogCleaner:
    """Redacts log text line by line and counts what it removed, by kind.

    Message texts go whole (:data:`TEXT_REMOVED`); then the transcript redaction (names,
    handles, e-mails, phones, cards, IBANs, order numbers); then any word that is part of
    a known name; the home folder becomes ``~`` (it holds the user's login name)."""

    def __init__(self, literals: Sequence[str], words: frozenset[str], home: str | None) -> None:
        chosen = list(dict.fromkeys(v.strip() for v in literals if v.strip()))[:MAX_LITERALS]
        self._redact = Redactor(
            RedactOptions(
                literals={v: _literal_label(v) for v in chosen}, orders=True, labels=LABELS
            )
        )
        self._folded = tuple({v.casefold() for v in chosen})
        self._words = words
        self._home = home if home and len(home) > 1 else None
        self._seen: dict[str, tuple[str, Counter[str]]] = {}  # log lines repeat a lot
        self.counts: Counter[str] = Counter()

    def line(self, text: str) -> str:
        """One log line, redacted (its timestamp, level and logger are kept)."""
        prefix = _PREFIX.match(text)
        head, message = (text[: prefix.end()], text[prefix.end() :]) if prefix else ("", text)
        if self._home:
            message = message.replace(self._home, "~")
        known = self._seen.get(message)
        if known is None:
            found: Counter[str] = Counter()
            known = (self._clean(message, found), found)
            if len(self._seen) < MAX_CACHED_LINES:
                self._seen[message] = known
        self.counts.update(known[1])
        return head + known[0]

    def _clean(self, message: str, found: Counter[str]) -> str:
        message = self._drop_texts(message, found)
        masked, numbers = _mask_small_numbers(message)
        redacted = self._redact(masked) if self._may_match(masked) else masked
        if redacted != masked:
            for kind, label in asdict(LABELS).items():
                added = redacted.count(label) - masked.count(label)
                if added > 0:
                    found[kind] += added
        if numbers:
            redacted = "".join(numbers.get(c, c) for c in redacted)
        if self._words:
            redacted = _WORD.sub(lambda m: self._word(m, found), redacted)
        return redacted

    def text(self, text: str) -> str:
        return "\n".join(self.line(line) for line in text.splitlines())

    def _may_match(self, text: str) -> bool:
        """Whether the redaction can find anything (most log lines: no), checked cheaply:
        its number finders need 6 digits, its e-mail finder an @, its literals be there."""
        if "@" in text or len(_DIGIT.findall(text)) >= 6 or _ORDER.search(text):
            return True
        folded = text.casefold()
        return any(literal in folded for literal in self._folded)

    def _drop_texts(self, message: str, found: Counter[str]) -> str:
        dropped = 0
        message, n = _PYDANTIC_INPUT.subn(f"input_value={TEXT_REMOVED}", message)
        dropped += n
        message, n = _QUOTED_TEXT.subn(lambda m: m["key"] + TEXT_REMOVED, message)
        dropped += n
        message, n = _BARE_TEXT.subn(lambda m: m["key"] + TEXT_REMOVED, message)
        dropped += n
        if dropped:
            found["message_text"] += dropped
        return message

    def _word(self, match: re.Match[str], found: Counter[str]) -> str:
        if match.group().casefold() in self._words:
            found["name"] += 1
            return LABELS.name
        return match.group()


def _literal_label(literal: str) -> str:
    """A contact handle is labelled by its kind, a name as a name."""
    if "@" in literal:
        return LABELS.email
    if len(_DIGIT.findall(literal)) >= 6:
        return LABELS.phone
    return LABELS.name


def _mask_small_numbers(message: str) -> tuple[str, dict[str, str]]:
    """Stand-alone numbers of at most 3 digits ("try 2", "in 30 s") replaced by private-use
    characters, and what each stands for.

    The phone finder runs on every text with 6 digits or more, at ~3 ms a line; log lines
    have many small numbers that can be no part of a phone, card, IBAN or order number
    (those are one run of digits and separators, which is never masked)."""
    numbers: dict[str, str] = {}

    def mask(match: re.Match[str]) -> str:
        group = match.group()
        if len(numbers) >= _MAX_MASKS or len(_DIGIT.findall(group)) > 3:
            return group
        key = chr(_MASK_BASE + len(numbers))
        numbers[key] = group
        return key

    if any(_MASK_BASE <= ord(c) < _MASK_BASE + _MAX_MASKS for c in message):
        return message, {}  # the text has such characters already: nothing is masked
    return _SMALL_NUMBER.sub(mask, message), numbers


def settings_summary(settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """The settings with anything personal or secret removed, and the removed fields' names.

    The server keeps its scheme, host and port (which server, not who); the agent's id and
    name go; a field not known to be harmless (a future one too) shows only that it is set.
    """
    shown: dict[str, Any] = {}
    removed: list[str] = []
    for name, value in asdict(settings).items():
        if name in _PLAIN_SETTINGS or value is None:
            shown[name] = value
        elif name == "workspace" and isinstance(value, dict):
            shown[name] = {"server": server_origin(str(value.get("server_url", "")))}
            removed.append("workspace.agent_id")
        else:
            shown[name] = "[removed]"
            removed.append(name)
    return shown, removed


def server_origin(url: str) -> str:
    """``https://desk.example.com:8443`` of a server URL: no user, path or query."""
    try:
        parts = urlsplit(url.strip()[:2048])
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "[not a URL]"
    if not host:
        return "[not a URL]"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}"


def pack_names(service: TranslationService | None) -> list[str]:
    """Installed language packs as ``from-to version`` (compute lane: reads the disk)."""
    if service is None:
        return []
    try:
        return sorted(f"{p.pair} {p.version}" for p in pack_ops.installed(service))
    except Exception as exc:  # a broken pack folder must not stop the export
        return [f"(the packs could not be listed: {type(exc).__name__})"]


def distributions() -> list[str]:
    """``name==version`` of every installed distribution, sorted (the environment)."""
    found: set[str] = set()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if name:
            found.add(f"{name}=={dist.version}")
        if len(found) >= MAX_DISTRIBUTIONS:
            break
    return sorted(found, key=str.casefold)


def about(qt: Mapping[str, str]) -> dict[str, Any]:
    """Versions and platform: what reproducing a problem starts from."""
    return {
        "crossdesk": app.__version__,
        "platform": platform_text(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "frozen": bool(getattr(sys, "frozen", False)),  # a PyInstaller build
        "qt": dict(qt),
    }


def _log_files(paths: Paths) -> list[Path]:
    logs = [paths.log_file] + [
        paths.log_file.with_name(f"{paths.log_file.name}.{n}") for n in range(1, LOG_BACKUPS + 1)
    ]
    logs += [paths.logs / CRASH_LOG, paths.logs / f"{CRASH_LOG}.1"]
    return [p for p in logs if p.is_file()]


def _read_tail(path: Path) -> tuple[str, bool]:
    """The file's last :data:`MAX_READ_BYTES` as text (a cut first line dropped); cut?"""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        cut = size > MAX_READ_BYTES
        handle.seek(max(0, size - MAX_READ_BYTES))
        data = handle.read(MAX_READ_BYTES)
    text = data.decode("utf-8", errors="replace")
    if cut:
        text = text.partition("\n")[2]
    return text, cut


def build_diagnostics(
    target: Path,
    *,
    paths: Paths,
    settings: Settings,
    now: int,
    qt: Mapping[str, str],
    facts: WorkspaceFacts | None,
    packs: Sequence[str],
) -> DiagnosticsReport:
    """Compute lane: write the diagnostics zip to ``target`` (atomically: a failed export
    leaves no half file). OSError or :class:`DiagnosticsError` on failure."""
    if target.is_dir():
        raise DiagnosticsError(f"{target} is a folder: choose a file name")
    if not target.parent.is_dir():
        raise DiagnosticsError(f"the folder {target.parent} does not exist")
    agent = [settings.workspace.agent_id] if settings.workspace else []
    agent += [settings.workspace_agent_name] if settings.workspace_agent_name else []
    literals = [v for a in agent for v in name_variants(a)] + list(facts.literals if facts else ())
    words = facts.words if facts else frozenset()
    words |= frozenset(w for a in agent for w in _name_words(a))
    cleaner = LogCleaner(literals, words, str(Path.home()))
    shown, removed = settings_summary(settings)
    files: list[dict[str, Any]] = []
    entries: dict[str, str] = {}

    def add(name: str, text: str, what: str, **notes: Any) -> None:
        entries[name] = text
        files.append({"name": name, "contents": what, **notes})

    add("about.json", _json(about(qt)), "versions of CrossDesk, the platform, Python and Qt")
    add("distributions.txt", "\n".join(distributions()) + "\n", "installed Python packages")
    add(
        "settings.json",
        _json(shown),
        "the settings, personal and secret values removed",
        removed=removed,
    )
    add("language-packs.txt", "\n".join(packs) + "\n", "installed language packs (names only)")
    if facts is not None:
        add("workspace.json", _json(facts.counts()), "counts about the workspace (no text)")
    for path in _log_files(paths):
        text, cut = _read_tail(path)
        add(
            f"logs/{path.name}",
            cleaner.text(text) + "\n",
            "crash trace (native crashes)" if path.name.startswith(CRASH_LOG) else "log",
            redacted=True,
            truncated_to_last_bytes=MAX_READ_BYTES if cut else None,
        )
    found = {kind: cleaner.counts.get(kind, 0) for kind in _KINDS}
    manifest = {
        "format": 1,
        "created_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        "crossdesk": app.__version__,
        "files": files,
        "redaction": {
            "rules": "as the lead's redacted transcript exports (names, contact handles, "
            "e-mails, phone numbers, card numbers, IBANs, order numbers); message texts "
            "removed whole; the home folder shown as ~",
            "names_known": len(literals) + len(words),
            "all_workspace_names_known": facts.names_complete if facts else False,
            "found": found,
        },
        "settings_removed": removed,
    }
    entries = {"manifest.json": _json(manifest), **entries}
    _write_zip(target, entries)
    return DiagnosticsReport(target, tuple(entries), found, target.stat().st_size)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _write_zip(target: Path, entries: Mapping[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".diagnostics-", suffix=".zip", dir=target.parent)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for name, text in entries.items():
                archive.writestr(name, text.encode("utf-8"))
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def default_name(now: int) -> str:
    """``crossdesk-diagnostics-20270220-1000.zip`` (local time: what the user sees)."""
    return f"crossdesk-diagnostics-{datetime.fromtimestamp(now).astimezone():%Y%m%d-%H%M}.zip"
