"""pytest plugin of the conformance suite: options, the server under test, clients.

    pytest tests/contract                               # reference server, SQLite + PostgreSQL
    pytest tests/contract --base-url URL --token TOKEN  # any backend speaking the contract

Against another backend, TOKEN should be an admin (or integration) API token; add
``--username/--password`` of a plain agent to cover the password grant and role
checks, and deselect ``-m "not test_hooks"`` if the backend has no test hooks
(``/v1/admin/faults`` with --enable-test-faults, ``/v1/admin/compact``, admin writes).

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "test_hooks: needs admin and test hooks (faults, compaction, admin writes) on the backend",
    )


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
def api(contract_server: ContractServer) -> Iterator[Api]:
    """A client signed in with the admin/integration API token: a fresh access token per
    test, so each test has its own rate-limit bucket (``api.api_token`` is the API token)."""
    signer = Api(contract_server.base_url, None)
    response = signer.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": contract_server.token}, key=None
    )
    signer.close()
    assert response.status_code == 200, f"--token was refused: {response.text}"
    client = Api(contract_server.base_url, response.json()["access_token"])
    client.api_token = contract_server.token
    yield client
    client.close()


@pytest.fixture
def anonymous(contract_server: ContractServer) -> Iterator[Api]:
    client = Api(contract_server.base_url, None)
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
