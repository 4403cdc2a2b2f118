"""``crossdesk-server``: run the reference server, or manage its accounts and tokens.

    crossdesk-server [--host H] [--port P] [--data-dir D | --database-url URL] [--demo]
                     [--rate-limit N] [--max-body-bytes N] [--enable-test-faults]
                     [--workers N]  (N > 1 needs --database-url: PostgreSQL)
    crossdesk-server create-account --data-dir D --id ID --name NAME
                     (--password P | --password-stdin) --role agent|lead|trainer|admin|integration
    crossdesk-server create-token --data-dir D --id ID
    crossdesk-server load-demo --data-dir D

Bad input ends with one ``error:`` line and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app.domain.datafiles import DataFileError
from app.server.auth import ACCOUNT_ROLES, AccountError, create_account, create_api_token
from app.server.config import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PORT,
    MIN_MAX_BODY_BYTES,
    SIGN_IN_MAX_BODY_BYTES,
    ConfigError,
    ServerConfig,
)
from app.server.db import Database
from app.server.entry import version_text
from app.server.scale import open_database

DEFAULT_DATA_DIR = Path("crossdesk-server-data")
MAX_WORKERS = 32


class CliError(Exception):
    """Something the person at the terminal can fix; printed as one line."""


def _add_store_options(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """--data-dir / --database-url, accepted before or after a subcommand (a subcommand's
    unset option must not erase the value given before it)."""
    default = argparse.SUPPRESS if sub else None
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        help=f"folder for the SQLite database (default: ./{DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--database-url",
        default=default,
        help="use PostgreSQL instead: postgresql+psycopg://user:password@host/dbname",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossdesk-server",
        description="Reference server of the CrossDesk sync contract (v1).",
    )
    parser.add_argument("--version", "-V", action="version", version=version_text())
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    _add_store_options(parser)
    parser.add_argument(
        "--demo", action="store_true", help="load the demo workspace (once) and print logins"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=1200,
        metavar="N",
        help="requests per minute per token, and per client address before sign-in "
        "(0 = no limit; default 1200)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="N",
        help=f"largest request body accepted; larger ones get 413 (default {DEFAULT_MAX_BODY_BYTES}"
        f", at least {MIN_MAX_BODY_BYTES}; sign-in is always limited to {SIGN_IN_MAX_BODY_BYTES})",
    )
    parser.add_argument(
        "--client-retention-days",
        type=int,
        default=None,
        metavar="N",
        help="clients remove resolved conversations with no activity for N days from agents' "
        "computers (GET /v1/me retention_days; 0 = keep everything; default: not set)",
    )
    parser.add_argument(
        "--enable-test-faults",
        action="store_true",
        help="TEST ONLY: enable POST /v1/admin/faults (injected 503s and held writes)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help=f"server processes on this port (1-{MAX_WORKERS}; more than 1 needs PostgreSQL, "
        "--database-url: SQLite is for one process)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    account = commands.add_parser("create-account", help="create a sign-in account")
    _add_store_options(account, sub=True)
    account.add_argument("--id", required=True, help="account id, e.g. li.wei")
    account.add_argument("--name", required=True, help="display name")
    secret = account.add_mutually_exclusive_group(required=True)
    secret.add_argument("--password", help="the password (visible in the process list)")
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    account.add_argument("--role", choices=ACCOUNT_ROLES, default="agent")
    account.add_argument(
        "--team",
        action="append",
        default=[],
        help="a team whose conversations it reads (repeat; none: not limited by team)",
    )
    account.add_argument(
        "--region",
        action="append",
        default=[],
        help="a region whose conversations it reads (repeat; none: not limited by region)",
    )

    token = commands.add_parser("create-token", help="print a new API token for an account")
    _add_store_options(token, sub=True)
    token.add_argument("--id", required=True, help="account id")

    demo = commands.add_parser("load-demo", help="load the demo workspace into the database")
    _add_store_options(demo, sub=True)
    return parser


def _config(args: argparse.Namespace) -> ServerConfig:
    if args.data_dir is not None and args.database_url:
        raise CliError("give either --data-dir or --database-url, not both")
    data_dir = None if args.database_url else (args.data_dir or DEFAULT_DATA_DIR)
    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        raise CliError(f"--data-dir {data_dir} is a file, not a folder")
    rate_limit = getattr(args, "rate_limit", 1200)
    if rate_limit < 0:
        raise CliError("--rate-limit must be 0 (off) or a positive number of requests a minute")
    max_body = getattr(args, "max_body_bytes", DEFAULT_MAX_BODY_BYTES)
    if max_body < MIN_MAX_BODY_BYTES:
        raise CliError(
            f"--max-body-bytes must be at least {MIN_MAX_BODY_BYTES} (the largest message "
            f"needs about 5 MB; the default is {DEFAULT_MAX_BODY_BYTES})"
        )
    retention = getattr(args, "client_retention_days", None)
    if retention is not None and not 0 <= retention <= 36_500:
        raise CliError("--client-retention-days must be 0 (keep everything) to 36500 days")
    return ServerConfig(
        data_dir=data_dir,
        database_url=args.database_url,
        rate_limit=rate_limit,
        max_body_bytes=max_body,
        client_retention_days=retention,
        enable_test_faults=getattr(args, "enable_test_faults", False),
    )


def _open(config: ServerConfig) -> Database:
    return open_database(config)


def _create_account(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else args.password
    if not password:
        raise CliError("the password is empty")
    config = _config(args)
    database = _open(config)
    with database.write() as conn:
        create_account(
            conn,
            account_id=args.id,
            name=args.name,
            roles=[args.role],
            now=config.now(),
            password=password,
            teams=args.team,
            regions=args.region,
        )
    print(f"created account {args.id} ({args.role})")
    return 0


def _create_token(args: argparse.Namespace) -> int:
    config = _config(args)
    database = _open(config)
    with database.write() as conn:
        token = create_api_token(conn, args.id, config.now())
    print(token)
    return 0


def _load_demo(args: argparse.Namespace) -> int:
    from app.server.demo import load_demo_into

    config = _config(args)
    result = load_demo_into(_open(config), config)
    if result.loaded:
        print(f"loaded the demo: {result.conversations} conversations")
    else:
        print("the demo was already loaded; nothing changed")
    _print_demo_logins(result.agent_ids)
    return 0


def _print_demo_logins(agent_ids: Sequence[str]) -> None:
    from app.server.demo import DEMO_PASSWORD

    print("DEMO ONLY - these accounts share a known password; never use them for real data:")
    for agent_id in agent_ids:
        print(f"  {agent_id} / {DEMO_PASSWORD}")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not 0 < args.port < 65536:
        raise CliError(f"--port {args.port} is not a TCP port (1-65535)")
    config = _config(args)
    workers = _workers(args, config)
    if workers > 1:
        from app.server.asgi import CONFIG_ENV, config_to_env

        database = _open(config)  # the schema (and the demo) once, before the workers start
    else:
        from app.server.app import create_app

        application = create_app(config)
        database = application.state.server.db
    where = config.database_url or config.data_dir
    processes = f", {workers} worker processes" if workers > 1 else ""
    print(
        f"CrossDesk reference server on http://{args.host}:{args.port} (data: {where}{processes})"
    )
    if args.demo:
        from app.server.demo import demo_admin_token, load_demo_into

        result = load_demo_into(database, config)
        _print_demo_logins(result.agent_ids)
        print(f"  admin API token (DEMO ONLY): {demo_admin_token(database, config)}")
    if config.enable_test_faults:
        print("WARNING: test faults are enabled (POST /v1/admin/faults); never in production")
    if workers > 1:
        database.dispose()
        os.environ[CONFIG_ENV] = config_to_env(config)
        uvicorn.run(
            "app.server.asgi:create_from_env",
            factory=True,
            workers=workers,
            host=args.host,
            port=args.port,
            log_level="info",
        )
    else:
        uvicorn.run(application, host=args.host, port=args.port, log_level="info")
    return 0


def _workers(args: argparse.Namespace, config: ServerConfig) -> int:
    """How many processes: several only on PostgreSQL, where nothing shared is in memory."""
    workers = int(args.workers)
    if not 1 <= workers <= MAX_WORKERS:
        raise CliError(f"--workers must be between 1 and {MAX_WORKERS}")
    if workers > 1 and not config.database_url:
        raise CliError(
            "--workers above 1 needs PostgreSQL (--database-url postgresql+psycopg://...): "
            "SQLite is the one-process embedded default"
        )
    return workers


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crossdesk-server`` console script."""
    args = build_parser().parse_args(argv)
    handlers = {
        "create-account": _create_account,
        "create-token": _create_token,
        "load-demo": _load_demo,
        None: _serve,
    }
    try:
        return handlers[args.command](args)
    except (CliError, ConfigError, AccountError, DataFileError) as exc:
        print(f"crossdesk-server: error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None)  # the driver's error, on DBAPIError only
        reason = str(cause or exc).strip().splitlines()[0]
        print(f"crossdesk-server: error: database: {reason}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"crossdesk-server: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
