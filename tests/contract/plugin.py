"""pytest plugin of the conformance suite: options, profiles, the server under test, clients.

    pytest tests/contract                               # reference server, SQLite + PostgreSQL
    pytest tests/contract --base-url URL --token TOKEN  # any backend speaking the contract

Two profiles (``--profile``):

- ``core``: what every backend must pass. No admin route (``/v1/admin/*``), no test
  hook, nothing private to the reference server. The data it needs comes through the
  contract itself: customer messages through ``POST /v1/inbound/messages``, replies,
  notes and changes through the agent calls, reviews and training records through their
  PUTs. So TOKEN must be an API token of an account with the ``admin`` role (inbound
  needs ``admin`` or ``integration``; rubric, review and training writes need a lead,
  trainer or admin: only ``admin`` covers all). Add ``--username/--password`` of a plain
  agent (role ``agent`` only) for the password grant, the role checks and what an agent
  may read. The default with ``--base-url``.
- ``all``: core plus the reference server's extras, marked ``reference``: admin routes
  (articles, templates, erasure, compaction), the test faults of
  ``--enable-test-faults``, the schemathesis run, behaviour private to the reference
  server (its cursor format). The default without ``--base-url``.

Every request the suite's clients send is recorded per test; a test outside the
``reference`` marker that touches ``/v1/admin`` fails, so the core profile can never
come to depend on admin routes unnoticed.

Registered from tests/conftest.py (``pytest_plugins``), because pytest accepts
``pytest_addoption`` only from the root conftest or a plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract.client import Api
from tests.contract.postgres import postgres_cluster  # noqa: F401  (fixture)


@dataclass(frozen=True)
class ContractServer:
    """The backend under test and the credentials the suite may use on it."""

    backend: str  # sqlite | postgres | external
    base_url: str
    token: str
    username: str | None
    password: str | None
    reference: bool  # our own server, with every hook enabled


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("crossdesk-contract", "CrossDesk sync contract conformance")
    group.addoption(
        "--base-url",
        default=None,
        help="run the conformance suite against this backend instead of the reference server",
    )
    group.addoption("--token", default=None, help="admin or integration API token for --base-url")
    group.addoption("--username", default=None, help="a plain agent's username (password grant)")
    group.addoption("--password", default=None, help="that agent's password")
    group.addoption(
        "--profile",
        choices=("core", "all"),
        default=None,
        help="core: what every backend must pass (no admin routes or test hooks); all: also "
        "the reference server's extras. Default: core with --base-url, else all",
    )


REFERENCE_MARKERS = ("reference", "test_hooks")
ADMIN_PREFIX = "/v1/admin"


def profile(config: pytest.Config) -> str:
    """The profile asked for, or the default for the backend under test."""
    chosen = config.getoption("--profile", default=None)
    if chosen:
        return str(chosen)
    return "core" if config.getoption("--base-url", default=None) else "all"


def is_reference(item: pytest.Item) -> bool:
    """Whether a test belongs to the reference server's extras (not the core profile)."""
    return any(item.get_closest_marker(name) is not None for name in REFERENCE_MARKERS)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reference: the reference server's extras (admin routes, test faults, compaction, "
        "schemathesis, private formats); not in --profile core",
    )
    config.addinivalue_line(
        "markers",
        "test_hooks: needs admin and test hooks (faults, compaction, admin writes); "
        "an older name of 'reference', also not in --profile core",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--profile core leaves out every test of the reference server's extras."""
    if profile(config) != "core":
        return
    dropped = [item for item in items if is_reference(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not is_reference(item)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        external = metafunc.config.getoption("--base-url")
        backends = ["external"] if external else ["sqlite", "postgres"]
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(scope="session")
def contract_server(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContractServer]:
    """The server under test: the given one, or the reference server started here."""
    if backend == "external":
        base_url = request.config.getoption("--base-url")
        token = request.config.getoption("--token")
        if not token:
            pytest.fail(
                "--base-url needs --token (an admin or integration API token)", pytrace=False
            )
        yield ContractServer(
            backend,
            base_url.rstrip("/"),
            token,
            request.config.getoption("--username"),
            request.config.getoption("--password"),
            reference=False,
        )
        return
    from tests.contract.server import RunningServer, reference_config, seed

    database_url = None
    if backend == "postgres":
        database_url = request.getfixturevalue("postgres_cluster").create_database("contract")
    data_dir: Path = tmp_path_factory.mktemp(f"server-{backend}")
    server = RunningServer(reference_config(data_dir, database_url)).start()
    try:
        seeded = seed(server)
        yield ContractServer(
            backend,
            server.base_url,
            seeded.admin_token,
            seeded.agent_id,
            seeded.agent_password,
            reference=True,
        )
    finally:
        server.stop()


@pytest.fixture
def request_log(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The paths this test's clients requested; a core test must not touch /v1/admin."""
    paths: list[str] = []
    yield paths
    if not is_reference(request.node):
        admin = sorted({path for path in paths if path.startswith(ADMIN_PREFIX)})
        assert not admin, (
            f"a core test called admin routes {admin}: mark it @pytest.mark.reference "
            "or get its data through the contract"
        )


@pytest.fixture
def api(contract_server: ContractServer, request_log: list[str]) -> Iterator[Api]:
    """A client signed in with the admin/integration API token: a fresh access token per
    test, so each test has its own rate-limit bucket (``api.api_token`` is the API token)."""
    signer = Api(contract_server.base_url, None, log=request_log)
    response = signer.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": contract_server.token}, key=None
    )
    signer.close()
    assert response.status_code == 200, f"--token was refused: {response.text}"
    client = Api(contract_server.base_url, response.json()["access_token"], log=request_log)
    client.api_token = contract_server.token
    yield client
    client.close()


@pytest.fixture
def anonymous(contract_server: ContractServer, request_log: list[str]) -> Iterator[Api]:
    client = Api(contract_server.base_url, None, log=request_log)
    yield client
    client.close()


@pytest.fixture
def agent_credentials(contract_server: ContractServer) -> tuple[str, str]:
    if not (contract_server.username and contract_server.password):
        pytest.skip("pass --username and --password of a plain agent to test the password grant")
    return contract_server.username, contract_server.password


@pytest.fixture
def agent_api(anonymous: Api, agent_credentials: tuple[str, str]) -> Iterator[Api]:
    """A client signed in as a plain agent with the password grant."""
    username, password = agent_credentials
    response = anonymous.post(
        "/v1/auth/token",
        {"grant_type": "password", "username": username, "password": password},
        key=None,
    )
    assert response.status_code == 200, response.text
    client = anonymous.with_token(response.json()["access_token"])
    yield client
    client.close()
