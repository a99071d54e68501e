"""Which engine the tables talk to, and running the migrations."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, cast

from piccolo.apps.user.tables import BaseUser
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType
from piccolo.table import Table

from models import tables
from models.engines import is_postgres


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


def atomic() -> AbstractAsyncContextManager[Any]:
    """The one write transaction; it yields Piccolo's transaction (its `.connection` for raw statements).

    SQLite: BEGIN IMMEDIATE (the write lock up front, so a read-then-write never fails on upgrade), queued behind
    this process's other writers (models.engines.QueuedSQLiteEngine). PostgreSQL: a plain transaction whose row
    locks (FOR UPDATE SKIP LOCKED, conditional UPDATEs) do the work. Inside another one it joins the outer one.
    """
    engine: Any = current_engine()
    if is_postgres(engine):
        return cast(AbstractAsyncContextManager[Any], engine.transaction())
    return cast(AbstractAsyncContextManager[Any], engine.transaction(transaction_type=TransactionType.immediate))
