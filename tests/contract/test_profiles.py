"""The suite's two profiles: ``core`` (any backend; no admin route, no test hook) and
``all`` (core plus the reference server's extras, marked ``reference``).

Collections run in a subprocess, as a user would run them; a small suite in a temporary
folder proves that a core test calling /v1/admin fails (the request log of plugin.py).
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.reference  # checks the suite itself, on the reference server
ROOT = Path(__file__).resolve().parents[2]
REFERENCE_ONLY = {
    "tests/contract/test_edge.py::test_admin_hooks_need_the_admin_role",
    "tests/contract/test_edge.py::test_injected_unavailability_is_503_with_retry_after",
    "tests/contract/test_feeds.py::test_compaction_expires_older_cursors_with_410",
    "tests/contract/test_feeds.py::test_a_cursor_of_a_recreated_database_is_410",
    "tests/contract/test_schemathesis.py::test_reference_server_conforms_to_its_openapi",
    "tests/contract/test_templates.py::test_an_approved_template_is_listed_to_agents_with_every_field",
    "tests/contract/test_rules_inbox.py::test_a_recreated_conversation_continues_above_its_old_version",
}


def _pytest(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tests(*args: str) -> set[str]:
    """The collected tests, without parameters (``file::function``)."""
    result = _pytest("tests/contract", "--collect-only", "-q", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}


@pytest.fixture(scope="module")
def collected() -> dict[str, set[str]]:
    return {
        "all": _tests(),
        "core": _tests("--profile", "core"),
        "external": _tests("--base-url", "http://127.0.0.1:9", "--token", "unused"),
    }


def test_the_core_profile_leaves_out_the_reference_extras(collected: dict[str, set[str]]) -> None:
    assert collected["all"] >= REFERENCE_ONLY
    assert not REFERENCE_ONLY & collected["core"]
    assert collected["core"] < collected["all"]
    assert len(collected["core"]) > 150  # the contract itself stays covered


def test_core_is_the_default_against_another_backend(collected: dict[str, set[str]]) -> None:
    assert collected["external"] == collected["core"]


def test_no_core_test_names_an_admin_route(collected: dict[str, set[str]]) -> None:
    """Static half of the rule (the request log is the dynamic half)."""
    offenders = []
    for node in sorted(collected["core"]):
        path, _, name = node.partition("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        if "/v1/admin" in inspect.getsource(getattr(module, name)):
            offenders.append(node)
    assert offenders == []


SNEAKY_SUITE = """
import pytest

from tests.contract.client import Api


def test_sneaks_into_an_admin_route(api: Api) -> None:
    api.post("/v1/admin/compact")


@pytest.mark.reference
def test_says_it_needs_the_reference_server(api: Api) -> None:
    assert api.post("/v1/admin/compact").status_code == 200
"""


def test_a_core_test_that_calls_an_admin_route_fails(tmp_path: Path) -> None:
    (tmp_path / "test_sneaky.py").write_text(SNEAKY_SUITE, encoding="utf-8")
    result = _pytest(
        str(tmp_path / "test_sneaky.py"),
        "-p",
        "tests.contract.plugin",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(tmp_path),
        "-k",
        "sqlite",
        "-q",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "2 passed, 2 deselected, 1 error" in output, output  # the call, then teardown
    assert "a core test called admin routes ['/v1/admin/compact']" in output, output
    assert "test_sneaks_into_an_admin_route" in output
