"""Build a Piccolo engine from a database URL; the only place that knows both engines' settings."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
READ_PREFIXES = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")


def engine_from_url(url: str) -> Engine[Any]:
    """`sqlite:///path` (WAL mode, busy timeout) or `postgresql://...` (a pool opened by the app)."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url})
    if parsed.scheme != "sqlite":
        raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme!r}")
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else Path(parsed.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    enable_wal(path)
    return QueuedSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)


def enable_wal(path: Path) -> None:
    """WAL lets pages read while the sender writes; the mode is stored in the file, so once is enough."""
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def is_postgres(engine: Engine[Any]) -> bool:
    return engine.engine_type in {"postgres", "cockroach"}


async def open_pool(engine: Engine[Any]) -> None:
    """PostgreSQL: a connection pool for the app's lifetime (SQLite opens a connection per query)."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)


async def close_pool(engine: Engine[Any]) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()


class WriterLock:
    """First come, first served, and re-entrant for the task that holds it: a task already writing (say inside a
    transaction on one engine object) may write through another engine object on the same loop without waiting for
    itself. Other tasks, child tasks included, queue as usual."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0

    async def acquire(self) -> None:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            self._depth += 1
            return
        await self._lock.acquire()
        self._owner, self._depth = task, 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            self._lock.release()

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()


_sqlite_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WriterLock] = weakref.WeakKeyDictionary()


def sqlite_writer_lock() -> WriterLock:
    """One SQLite writer at a time inside this process, first come first served. Without it, a page's write waits in
    SQLite's busy handler, which sleep-polls and can lose every poll to the sender's back-to-back transactions."""
    loop = asyncio.get_running_loop()
    lock = _sqlite_writers.get(loop)
    if lock is None:
        lock = _sqlite_writers[loop] = WriterLock()
    return lock


class QueuedTransaction(SQLiteTransaction):
    """BEGIN IMMEDIATE (the write lock up front: no read-then-upgrade failure), queued behind this process's other
    writers; a nested one joins its parent, which already holds the lock."""

    _queued: WriterLock | None = None

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        lock = sqlite_writer_lock()
        await lock.acquire()
        try:
            entered = await super().__aenter__()
        except BaseException:
            lock.release()
            raise
        self._queued = lock
        return entered

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        try:
            return bool(await super().__aexit__(exc_type, exc, tb))
        finally:
            if self._queued is not None:
                self._queued.release()
                self._queued = None


class QueuedSQLiteEngine(SQLiteEngine):
    """SQLite whose every write (a transaction, or a single statement outside one) takes the in-process writer lock,
    so no write path can skip it; reads outside a transaction never wait for it (WAL lets them run beside a writer)."""

    def transaction(
        self, transaction_type: TransactionType = TransactionType.immediate, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return QueuedTransaction(engine=self, transaction_type=TransactionType.immediate, allow_nested=allow_nested)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None or _is_read(querystring):
            return await super().run_querystring(querystring, in_pool)
        async with sqlite_writer_lock():
            return await super().run_querystring(querystring, in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        async with sqlite_writer_lock():
            return await super().run_ddl(ddl, in_pool)


def _is_read(querystring: QueryString) -> bool:
    """Piccolo's SELECT-like queries start with their keyword; UPDATE/DELETE/INSERT start with a `{}` part."""
    return str(querystring.template).lstrip().upper().startswith(READ_PREFIXES)
