"""Property-based conformance of the reference server to its own OpenAPI document.

Schemathesis generates valid and invalid requests for every operation (examples,
coverage and fuzzing phases) against the in-process ASGI app, authenticated as an
admin, and runs all of its checks: no server errors, every status, header, content
type and body documented, invalid data rejected, valid data accepted, missing
headers and auth refused.

Where the contract deliberately answers valid-looking input with an error, the
expected statuses say so (and nowhere else):
- ``positive_data_acceptance`` also accepts 400: a syntactically valid but made-up
  ``cursor`` is ``invalid_cursor`` (cursors are opaque; only the server can mint one);
  412: a well-formed If-Match that is not the current version (once a generated
  conversation exists); 422: rules the schema cannot say (an assignee that is no
  agent, snoozing without snoozed_until);
- ``missing_required_header`` also accepts 428: a PATCH without If-Match is 428
  ``precondition_required`` (RFC 6585), not a generic 400.
Each generated write gets a fresh Idempotency-Key when it sends one at all, so two
examples never collide on a key (that collision is a 422 the suite tests elsewhere).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from app.server import auth
from app.server.app import create_app
from app.server.config import ServerConfig

MAX_EXAMPLES = 12
pytestmark = pytest.mark.reference  # the reference server in-process, not --base-url


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    # Hypothesis keeps caches in ./.hypothesis, which pytest then warns about (an error
    # here): keep them in the temporary folder instead.
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis-home"))
    # live_max_seconds: a generated GET /v1/events ends after its first events, not 10 min
    application = create_app(ServerConfig(data_dir=data_dir, rate_limit=0, live_max_seconds=0.2))
    state = application.state.server
    with state.db.write() as conn:
        now = state.now()
        auth.create_account(conn, account_id="fuzz-admin", name="Fuzz", roles=["admin"], now=now)
        token = auth.create_api_token(conn, "fuzz-admin", now)
    config = SchemathesisConfig.from_dict(
        {
            "auth": {"openapi": {"HTTPBearer": {"bearer": token}}},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "seed": 20260101,
            # A path parameter that is a SHA-256 (64 hex digits) is valid for few generated
            # strings: Hypothesis may give up on it as "filtered too much" depending on the
            # run's order; the examples it does make are still all run and checked.
            "suppress-health-check": ["filter_too_much"],
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": [
                        *["2xx", "3xx", "400", "401", "403", "404", "409", "412", "422", "429"]
                    ]
                },
                "missing_required_header": {
                    "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]
                },
            },
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", application, config=config)

    def fresh_idempotency_key(_context: Any, case: Any, _kwargs: dict[str, Any]) -> None:
        key = (case.headers or {}).get("Idempotency-Key")
        if isinstance(key, str) and 1 <= len(key) <= 255:  # invalid keys stay invalid
            case.headers["Idempotency-Key"] = str(uuid.uuid4())

    # before_call exists only globally: registered for this run, removed after it
    schemathesis.hook("before_call")(fresh_idempotency_key)
    try:
        yield schema
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(fresh_idempotency_key)
        set_hypothesis_home_dir(None)
        state.db.dispose()


def _describe(event: events.ScenarioFinished) -> list[str]:
    lines = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status != Status.SUCCESS and check.failure_info is not None:
                interaction = event.recorder.interactions.get(case_id)
                response = interaction.response if interaction else None
                answer = f"{response.status_code} {response.content[:300]!r}" if response else "-"
                lines.append(
                    f"{event.label} [{event.phase}] {check.name}: "
                    f"{check.failure_info.failure.title}\n  {check.failure_info.code_sample}"
                    f"\n  -> {answer}"
                )
    return lines or [f"{event.label} [{event.phase}] {event.status}"]


def test_reference_server_conforms_to_its_openapi(api_schema: Any) -> None:
    """Every phase (examples, coverage, fuzzing, stateful links), every check."""
    problems: list[str] = []
    scenarios = 0
    for event in from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            scenarios += 1
            if event.status in (Status.FAILURE, Status.ERROR):
                problems += _describe(event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"{getattr(event, 'label', '')}: {event.info.format()}")
    assert scenarios > 20
    assert not problems, "\n".join(problems)
