"""The only place that knows how the two engines differ when several senders claim work at once."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType

from models.db import current_engine
from models.engines import is_postgres


def engine() -> Engine[Any]:
    return current_engine()


def on_postgres() -> bool:
    return is_postgres(engine())


_sqlite_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _sqlite_writer_lock() -> asyncio.Lock:
    """One writer at a time inside this process: SQLite's busy handler would otherwise sleep-poll for the file lock."""
    loop = asyncio.get_running_loop()
    lock = _sqlite_writers.get(loop)
    if lock is None:
        lock = _sqlite_writers[loop] = asyncio.Lock()
    return lock


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """SQLite: BEGIN IMMEDIATE (the write lock up front, so two claimers never interleave), queued in-process;
    PostgreSQL: a plain transaction whose row locks (FOR UPDATE SKIP LOCKED, conditional UPDATEs) do the work."""
    db: Any = engine()
    if on_postgres():
        async with db.transaction():
            yield
        return
    async with _sqlite_writer_lock(), db.transaction(transaction_type=TransactionType.immediate):
        yield


def skip_locked(query: Any) -> Any:
    """Rows another process is claiming are skipped on PostgreSQL; SQLite has one writer at a time anyway."""
    return query.lock_rows("UPDATE", skip_locked=True) if on_postgres() else query


def rows_changed(result: Any) -> int:
    """How many rows an `UPDATE ... RETURNING` touched."""
    return len(result or [])
