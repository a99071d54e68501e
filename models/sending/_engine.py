"""The only place that knows how the two engines differ when several senders claim work at once."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType

from models.db import current_engine
from models.engines import is_postgres


def engine() -> Engine[Any]:
    return current_engine()


def on_postgres() -> bool:
    return is_postgres(engine())


def write_transaction() -> Any:
    """SQLite: BEGIN IMMEDIATE (the write lock up front, so two claimers never interleave);
    PostgreSQL: a plain transaction whose row locks (FOR UPDATE SKIP LOCKED, conditional UPDATEs) do the work."""
    db: Any = engine()
    if on_postgres():
        return db.transaction()
    return db.transaction(transaction_type=TransactionType.immediate)


def skip_locked(query: Any) -> Any:
    """Rows another process is claiming are skipped on PostgreSQL; SQLite has one writer at a time anyway."""
    return query.lock_rows("UPDATE", skip_locked=True) if on_postgres() else query


def rows_changed(result: Any) -> int:
    """How many rows an `UPDATE ... RETURNING` touched."""
    return len(result or [])
