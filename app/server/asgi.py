"""The application as uvicorn's worker processes import it (``crossdesk-server --workers N``).

A worker is a fresh interpreter, so it cannot be handed the ``ServerConfig`` object:
the command line writes the settings as JSON into ``CROSSDESK_SERVER_CONFIG`` and each
worker builds its own application from them (``app.server.asgi:create_from_env``,
a factory). Any ASGI server can run it the same way, e.g.

    CROSSDESK_SERVER_CONFIG='{"database_url": "postgresql+psycopg://..."}' \\
        uvicorn --factory app.server.asgi:create_from_env
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from app.server.config import ConfigError, ServerConfig

CONFIG_ENV = "CROSSDESK_SERVER_CONFIG"
# Every setting but the clock (a function: workers use the real one).
_FIELDS = tuple(f.name for f in dataclasses.fields(ServerConfig) if f.name != "clock")


def config_to_env(config: ServerConfig) -> str:
    """The settings a worker needs, as the JSON the variable carries."""
    values: dict[str, Any] = {name: getattr(config, name) for name in _FIELDS}
    if values["data_dir"] is not None:
        values["data_dir"] = str(Path(values["data_dir"]).resolve())
    return json.dumps(values)


def config_from_env(raw: str | None) -> ServerConfig:
    """The settings back from the variable; a clear ConfigError when it is unusable."""
    if not raw:
        raise ConfigError(f"set {CONFIG_ENV} to the server's settings (JSON)")
    try:
        values = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{CONFIG_ENV} is not JSON: {exc}") from exc
    if not isinstance(values, dict) or not set(values) <= set(_FIELDS):
        raise ConfigError(f"{CONFIG_ENV} must be an object with keys among {', '.join(_FIELDS)}")
    if values.get("data_dir") is not None:
        values["data_dir"] = Path(values["data_dir"])
    try:
        return ServerConfig(**values)
    except TypeError as exc:
        raise ConfigError(f"{CONFIG_ENV}: {exc}") from exc


def create_from_env() -> FastAPI:
    """uvicorn's factory: one application per worker process, on the shared database."""
    from app.server.app import create_app

    return create_app(config_from_env(os.environ.get(CONFIG_ENV)))
