"""The `arauto` command: run, migrate, user create, token create, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from settings import load_settings

T = TypeVar("T")


def _prepare_database() -> None:
    """piccolo_conf reads DATABASE_URL; make the settings' default explicit for it."""
    settings = load_settings()
    os.environ.setdefault("DATABASE_URL", settings.database_url)
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")


def _with_database(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` on a fresh event loop with the tables bound to piccolo_conf's engine (DATABASE_URL)."""

    async def bound() -> T:
        import piccolo_conf
        from models.db import use_engine

        use_engine(piccolo_conf.DB)
        return await work()

    return asyncio.run(bound())


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_migrate(_: argparse.Namespace) -> int:
    from models.db import run_migrations

    _with_database(run_migrations)
    print("Database is up to date.")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run("app:create_app", factory=True, host=args.host, port=args.port, proxy_headers=True, log_level="info")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat the password: "):
        raise SystemExit("The passwords do not match.")
    return first


def cmd_user_create(args: argparse.Namespace) -> int:
    from models.accounts.users import create_user
    from models.errors import ValidationFailed

    password = _read_password(args)
    settings = load_settings()
    try:
        _with_database(lambda: create_user(args.email, password, admin=args.admin, timezone=settings.default_timezone))
    except ValidationFailed as exc:
        return _fail(exc.message)
    print(f"Created {'administrator' if args.admin else 'user'} {args.email.strip().lower()}.")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from models.accounts.users import create_api_token, get_user_by_email

    async def create() -> str | None:
        user = await get_user_by_email(args.email)
        if user is None:
            return None
        return await create_api_token(user.id, args.name, now=datetime.now(UTC))

    token = _with_database(create)
    if token is None:
        return _fail(f"no user with e-mail {args.email}")
    print(f"API token for {args.email} (shown once): {token}")
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox.server import serve

    serve(host=args.host, port=args.port, api_key=args.api_key, instances=args.instance or ["sandbox"])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arauto", description="Bulk WhatsApp campaigns through Evolution API.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve the web app (and its sender)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.set_defaults(func=cmd_run)

    sub.add_parser("migrate", help="apply the database migrations").set_defaults(func=cmd_migrate)

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("email")
    create.add_argument("--admin", action="store_true", help="make the user an administrator")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(func=cmd_user_create)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(dest="token_command", required=True)
    token_create = token.add_parser("create", help="create an API token (printed once)")
    token_create.add_argument("email")
    token_create.add_argument("--name", default="cli")
    token_create.set_defaults(func=cmd_token_create)

    sandbox = sub.add_parser("sandbox", help="serve the Evolution API simulator")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    sandbox.add_argument("--api-key", default=os.environ.get("ARAUTO_SANDBOX_API_KEY", "sandbox-key"))
    sandbox.add_argument("--instance", action="append", help="instance name (repeatable; default: sandbox)")
    sandbox.set_defaults(func=cmd_sandbox)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "sandbox":
        _prepare_database()
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
