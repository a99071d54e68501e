"""Which engine the tables talk to, and running the migrations."""

from __future__ import annotations

from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.engine.base import Engine
from piccolo.table import Table

from models import tables


def all_tables() -> list[type[Table]]:
    """Every table the app owns, Piccolo's user table first."""
    own = [
        value
        for value in vars(tables).values()
        if isinstance(value, type) and issubclass(value, Table) and value.__module__ == tables.__name__
    ]
    return [BaseUser, *own]


def use_engine(engine: Engine[Any]) -> None:
    """Point every table at `engine` (the app does this from its settings; tests per database)."""
    for table in all_tables():
        table._meta.db = engine


def current_engine() -> Engine[Any]:
    return tables.Campaign._meta.db


async def run_migrations() -> None:
    """Apply every pending migration of every app (Piccolo's users, then Arauto's) to piccolo_conf's engine."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="all")
    if not response.success:
        raise RuntimeError(f"Migrations failed: {response.message}")


def atomic() -> Any:
    """A transaction that takes SQLite's write lock up front (no upgrade deadlock); a plain one on PostgreSQL."""
    engine = current_engine()
    if engine.engine_type == "sqlite":
        from piccolo.engine.sqlite import TransactionType

        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()
