"""Schema of the demo workspace files in ``resources/demo`` and their validation.

Layout: ``workspace.yaml`` (agents, tags, who "me" is), ``customers.yaml`` and
``conversations/*.yaml``. Times are offsets from the moment the demo is loaded
(``-3h10m`` = three hours ten minutes ago, ``45m`` = in 45 minutes) so the
workspace always looks live. Run ``python -m app.contract.demo_schema DIR`` to
check a folder by hand.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.contract.codes import Country, Language, TimeZone
from app.contract.datafile import load_validated
from app.domain.datafiles import DataFileError, line_of, load_yaml
from app.domain.models import Channel, Status
from app.domain.review import Role

_OFFSET = re.compile(r"^(?P<sign>[+-])?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")


def parse_offset(value: str | int) -> int:
    """Turn ``-3h10m`` / ``45m`` / ``2d`` / ``now`` into signed seconds from load time."""
    if isinstance(value, int):
        raise ValueError("write offsets as text such as '-3h10m' or '45m', not bare numbers")
    text = str(value).strip().replace(" ", "")
    if text == "now":
        return 0
    match = _OFFSET.match(text)
    if not text or not match or not any(match.group(k) for k in "dhm"):
        raise ValueError(f"'{value}' is not an offset like '-3h10m', '45m', '-2d' or 'now'")
    seconds = int(match["d"] or 0) * 86400 + int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60
    return -seconds if match["sign"] == "-" else seconds


Offset = Annotated[int, BeforeValidator(parse_offset)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
DemoFile = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=80)]
ATTACHMENTS_FOLDER = "attachments"  # the demo's pictures, beside conversations/


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class AgentSpec(_Strict):
    id: Ident
    name: str = Field(min_length=1)
    email: str | None = None
    roles: list[Role] = Field(default_factory=lambda: [Role.AGENT], min_length=1, max_length=4)


class WorkspaceSpec(_Strict):
    me: Ident
    agents: list[AgentSpec] = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _me_is_an_agent(self) -> WorkspaceSpec:
        if self.me not in {a.id for a in self.agents}:
            raise ValueError(f"'me' names '{self.me}', who is not in 'agents'")
        return self


# Backend fields as the contract carries them (app.domain.fields bounds them on load).
DemoFields = Annotated[dict[str, str | int | float | bool], Field(max_length=30)]


class CustomerSpec(_Strict):
    id: Ident
    name: str = Field(min_length=1)
    country: Country
    language: Language
    timezone: TimeZone
    handles: dict[str, str] = Field(default_factory=dict)
    fields: DemoFields = Field(default_factory=dict)  # backend fields (plan, customer since)


class CustomersFile(_Strict):
    customers: list[CustomerSpec] = Field(min_length=1)


class MessageSpec(_Strict):
    author: Annotated[
        str, Field(alias="from", pattern=r"^(customer|system|(agent|note):[a-z0-9._-]+)$")
    ]
    at: Offset
    text: str = Field(min_length=1)
    language: Language | None = None
    attachments: list[DemoFile] = Field(default_factory=list, max_length=10)  # in attachments/
    held: bool = False  # an agent's reply kept for a human translator ("language": its words')
    held_for: Ident | None = None  # the colleague asked to translate it

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _held_is_an_agents_reply(self) -> MessageSpec:
        if self.held and (not self.author.startswith("agent:") or self.language is None):
            raise ValueError("a held message is an agent's reply with the 'language' it is in")
        if self.held_for is not None and not self.held:
            raise ValueError("'held_for' is given only with 'held: true'")
        return self

    @property
    def offset(self) -> int:
        """Seconds from load time (negative = in the past)."""
        return self.at


class ConversationSpec(_Strict):
    id: Ident
    customer: Ident
    channel: Channel
    subject: str | None = None
    status: Status
    assignee: Ident | None = None
    tags: list[str] = Field(default_factory=list)
    sla_due: Offset | None = None
    snoozed_until: Offset | None = None
    unread: int = Field(default=0, ge=0)
    fields: DemoFields = Field(default_factory=dict)  # order number, order status...
    messages: list[MessageSpec] = Field(min_length=1)

    @field_validator("messages")
    @classmethod
    def _in_time_order(cls, messages: list[MessageSpec]) -> list[MessageSpec]:
        offsets = [m.offset for m in messages]
        if offsets != sorted(offsets):
            raise ValueError("messages must be in time order (each 'at' no earlier than the last)")
        if offsets[-1] > 0:
            raise ValueError("message times must be in the past ('at' <= 'now')")
        return messages

    @model_validator(mode="after")
    def _snooze_matches_status(self) -> ConversationSpec:
        if (self.status is Status.SNOOZED) != (self.snoozed_until is not None):
            raise ValueError("'snoozed_until' is given exactly when status is 'snoozed'")
        return self


class ConversationsFile(_Strict):
    conversations: list[ConversationSpec] = Field(min_length=1)


class GlossarySpec(_Strict):
    term: str = Field(min_length=1)
    rendering: str | None = None  # None: never translated
    source_language: Language | None = None
    target_language: Language | None = None
    note: str = ""


class MacroSpec(_Strict):
    id: Ident
    title: str = Field(min_length=1)
    language: Language
    body: str = Field(min_length=1)
    translations: dict[Language, str] = Field(default_factory=dict)


class TranslationFile(_Strict):
    """Team language data: glossary terms and canned replies with approved translations."""

    glossary: list[GlossarySpec] = Field(default_factory=list)
    macros: list[MacroSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class DemoWorkspace:
    """The validated demo, ready to be written to a store."""

    workspace: WorkspaceSpec
    customers: tuple[CustomerSpec, ...]
    conversations: tuple[ConversationSpec, ...]
    translation: TranslationFile = field(default_factory=TranslationFile)


def _validate(model: type[_Strict], path: Path) -> Any:
    return load_validated(model, path)[0]


def _fail_at(path: Path, loc: tuple[Any, ...], problem: str) -> DataFileError:
    return DataFileError(path, line_of(load_yaml(path), loc), problem)


def load_demo(folder: Path) -> DemoWorkspace:
    """Read and cross-check every demo file; raise DataFileError naming file and line."""
    workspace: WorkspaceSpec = _validate(WorkspaceSpec, folder / "workspace.yaml")
    customers_path = folder / "customers.yaml"
    customers: CustomersFile = _validate(CustomersFile, customers_path)
    agent_ids = {a.id for a in workspace.agents}
    tags = set(workspace.tags)

    seen_customers: set[str] = set()
    for index, customer in enumerate(customers.customers):
        if customer.id in seen_customers:
            raise _fail_at(
                customers_path,
                ("customers", index, "id"),
                f"customer id '{customer.id}' is used twice",
            )
        seen_customers.add(customer.id)

    conversation_files = sorted((folder / "conversations").glob("*.yaml"))
    if not conversation_files:
        raise DataFileError(folder / "conversations", None, "no conversation files (*.yaml) found")
    conversations: list[ConversationSpec] = []
    seen_conversations: set[str] = set()
    for path in conversation_files:
        parsed: ConversationsFile = _validate(ConversationsFile, path)
        for index, conv in enumerate(parsed.conversations):
            base: tuple[Any, ...] = ("conversations", index)
            if conv.id in seen_conversations:
                raise _fail_at(path, (*base, "id"), f"conversation id '{conv.id}' is used twice")
            seen_conversations.add(conv.id)
            if conv.customer not in seen_customers:
                raise _fail_at(
                    path,
                    (*base, "customer"),
                    f"customer '{conv.customer}' is not in customers.yaml",
                )
            if conv.assignee is not None and conv.assignee not in agent_ids:
                raise _fail_at(
                    path,
                    (*base, "assignee"),
                    f"assignee '{conv.assignee}' is not an agent in workspace.yaml",
                )
            for tag_index, tag in enumerate(conv.tags):
                if tag not in tags:
                    raise _fail_at(
                        path,
                        (*base, "tags", tag_index),
                        f"tag '{tag}' is not listed under 'tags' in workspace.yaml",
                    )
            for msg_index, message in enumerate(conv.messages):
                _kind, _, agent = message.author.partition(":")
                if agent and agent not in agent_ids:
                    raise _fail_at(
                        path,
                        (*base, "messages", msg_index, "from"),
                        f"'{message.author}' names no agent in workspace.yaml",
                    )
                if message.held_for is not None and message.held_for not in agent_ids:
                    raise _fail_at(
                        path,
                        (*base, "messages", msg_index, "held_for"),
                        f"'{message.held_for}' is not an agent in workspace.yaml",
                    )
                for file_index, name in enumerate(message.attachments):
                    if not (folder / ATTACHMENTS_FOLDER / name).is_file():
                        raise _fail_at(
                            path,
                            (*base, "messages", msg_index, "attachments", file_index),
                            f"'{name}' is not a file in {ATTACHMENTS_FOLDER}/",
                        )
            conversations.append(conv)
    translation_path = folder / "translation.yaml"
    translation = (
        _validate(TranslationFile, translation_path)
        if translation_path.exists()
        else TranslationFile()
    )
    seen_macros: set[str] = set()
    for index, macro in enumerate(translation.macros):
        if macro.id in seen_macros:
            raise _fail_at(
                translation_path, ("macros", index, "id"), f"macro id '{macro.id}' is used twice"
            )
        seen_macros.add(macro.id)
    return DemoWorkspace(workspace, tuple(customers.customers), tuple(conversations), translation)


def main(argv: list[str] | None = None) -> int:
    """Validate a demo folder and print a summary (for people writing demo data)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "resources" / "demo"
    try:
        demo = load_demo(folder)
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    customers = {c.id: c for c in demo.customers}
    convs = demo.conversations
    languages = {customers[c.customer].language for c in convs}
    countries = {customers[c.customer].country for c in convs}
    channels = {c.channel for c in convs}
    print(
        f"ok: {len(demo.translation.glossary)} glossary terms, {len(demo.translation.macros)} "
        f"macros, {len(convs)} conversations, {sum(len(c.messages) for c in convs)} messages, "
        f"{len(languages)} languages {sorted(languages)}, {len(countries)} countries "
        f"{sorted(countries)}, {len(channels)} channels {sorted(channels)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
