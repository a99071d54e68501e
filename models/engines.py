"""Build a Piccolo engine from a database URL; the only place that knows both engines' settings."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
READ_PREFIXES = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")
READ_CONNECTIONS = 4  # per event loop: WAL lets them read side by side, beside the one writer
_point_reads: ContextVar[bool] = ContextVar("point_reads", default=False)


def engine_from_url(url: str) -> Engine[Any]:
    """`sqlite:///path` (WAL mode, busy timeout) or `postgresql://...` (a pool opened by the app)."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return OutageSafePostgresEngine(config={"dsn": url})
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


@contextmanager
def point_reads(on: bool = True) -> Iterator[None]:
    """The reads in this block fetch a few rows by key (an index lookup, never a scan): on SQLite they run on the
    event loop's own connection, in microseconds, instead of on a reader's thread, whose two hand-offs each wait
    for the GIL, up to the 5 ms switch interval while the loop is busy (what every poll paid twice under load).
    PostgreSQL reads are on the loop already (asyncpg). `point_reads(False)` marks a read inside such a block
    that may count many rows: it keeps its thread, so the loop never waits for it."""
    token = _point_reads.set(on)
    try:
        yield
    finally:
        _point_reads.reset(token)


def is_postgres(engine: Engine[Any]) -> bool:
    return engine.engine_type in {"postgres", "cockroach"}


async def open_pool(engine: Engine[Any]) -> None:
    """A connection pool for the app's lifetime: PostgreSQL's, or SQLite's few read connections."""
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(min_size=2, max_size=20)
    if isinstance(engine, QueuedSQLiteEngine):
        engine.open_readers()


async def close_pool(engine: Engine[Any]) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.close_connection_pool()
    if isinstance(engine, QueuedSQLiteEngine):
        await engine.close_readers()


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


class ReadConnections:
    """A few open SQLite connections for reads outside a transaction, reused instead of one (and one thread) per query;
    each SELECT runs in autocommit, so it sees the latest commit. A connection interrupted mid-query is dropped."""

    def __init__(self, connection_kwargs: dict[str, Any], size: int = READ_CONNECTIONS) -> None:
        self._kwargs = connection_kwargs
        self._idle: list[aiosqlite.Connection] = []
        self._slots = asyncio.Semaphore(size)
        self._open: set[aiosqlite.Connection] = set()
        self._inline: sqlite3.Connection | None = None

    def inline(self, query: str, args: Any) -> list[Any] | None:
        """A point read on the loop's own connection (see `point_reads`), or None when SQLite answers busy: it
        never waits (no busy timeout), the caller reads on a thread instead, which may."""
        if self._inline is None:
            self._inline = sqlite3.connect(**{**self._kwargs, "timeout": 0})
            self._inline.row_factory = dict_factory
            self._inline.execute("PRAGMA foreign_keys = 1")
        try:
            rows = self._inline.execute(query, args).fetchall()
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}:
                return None
            raise
        finally:
            if self._inline.in_transaction:  # never keep a lock open (a point read does not write)
                self._inline.commit()
        return rows

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                yield connection
            except Exception:
                self._idle.append(connection)
                raise
            except BaseException:  # cancelled mid-query: its thread may still be busy with it
                self._open.discard(connection)
                asyncio.get_running_loop().create_task(connection.close())
                raise
            else:
                self._idle.append(connection)

    async def _connect(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self._kwargs)
        pending._thread.daemon = True  # a pool its app never closed (a killed test) must not keep the process alive
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        self._open.add(connection)
        return connection

    async def close(self) -> None:
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        self._idle.clear()
        while self._open:
            await self._open.pop().close()


class QueuedSQLiteEngine(SQLiteEngine):
    """SQLite whose every write (a transaction, or a single statement outside one) takes the in-process writer lock,
    so no write path can skip it; reads outside a transaction never wait for it (WAL lets them run beside a writer)
    and reuse a few open connections (ReadConnections) instead of opening one per query; point reads run on the
    loop's own connection (`point_reads`)."""

    def _pools(self) -> weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ReadConnections]:
        pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ReadConnections]
        pools = self.__dict__.setdefault("_read_pools", weakref.WeakKeyDictionary())
        return pools

    def open_readers(self) -> None:
        """Reads on this loop reuse a few connections from now on (the app's lifespan; a CLI keeps Piccolo's)."""
        self._pools().setdefault(asyncio.get_running_loop(), ReadConnections(self.connection_kwargs))

    async def close_readers(self) -> None:
        """Close this loop's read connections: the last connection to close folds the WAL back into the file."""
        pool = self._pools().pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    async def _run_read(self, querystring: QueryString) -> Any:
        pool = self._pools().get(asyncio.get_running_loop())
        if pool is None:
            return await super().run_querystring(querystring)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if _point_reads.get():
            inline = pool.inline(query, args)
            if inline is not None:
                return inline
        async with pool.connection() as connection:
            # One hand-off to the connection's thread (execute, fetch and close there), not three: each waits for
            # the GIL, which a busy loop yields only every switch interval (5 ms).
            rows = await connection.execute_fetchall(query, args)
            if connection.in_transaction:  # a statement that wrote after all: never keep a lock open
                await connection.commit()
        return rows

    def transaction(
        self, transaction_type: TransactionType = TransactionType.immediate, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return QueuedTransaction(engine=self, transaction_type=TransactionType.immediate, allow_nested=allow_nested)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None:
            return await super().run_querystring(querystring, in_pool)
        if _is_read(querystring):
            return await self._run_read(querystring)
        async with sqlite_writer_lock():
            return await super().run_querystring(querystring, in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        if self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        async with sqlite_writer_lock():
            return await super().run_ddl(ddl, in_pool)


class OutageSafeTransaction(PostgresTransaction):
    """Piccolo's transaction, but one whose connection a database restart cut still lets go of it.

    On a cut connection the ROLLBACK (or COMMIT) itself fails, and Piccolo then skips the rest of its exit: the
    connection is never returned to the pool and the task's current transaction is never reset, so every later
    query of that task joins the dead transaction ("connection has been released back to the pool"). A task that
    writes again after an outage (the sender's group commit) would fail for ever. Here the transaction is forgotten
    whatever happens; the error that cut it propagates (not the failed ROLLBACK's), and a failed COMMIT still raises.
    """

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        try:
            return await super().__aenter__()
        except BaseException:
            await self._let_go()
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if self._parent is not None:
            return bool(await super().__aexit__(exc_type, exc, tb))
        try:
            return bool(await super().__aexit__(exc_type, exc, tb))
        except Exception:
            await self._let_go()
            if exc is None:
                raise  # the COMMIT failed: the caller must know
            return False  # the statement's own error propagates, not the failed ROLLBACK's
        except BaseException:
            await self._let_go()
            raise

    async def _let_go(self) -> None:
        """Reset the task's current transaction if it is still this one, and return (or close) the connection."""
        if self.engine.current_transaction.get() is self:
            self.engine.current_transaction.reset(self.context)
        connection = getattr(self, "connection", None)
        if connection is None:
            return
        with suppress(Exception):  # already released, or closed with the server: nothing left to free
            if self.engine.pool:
                await self.engine.pool.release(connection)
            else:
                connection.terminate()


class OutageSafePostgresEngine(PostgresEngine):
    """PostgreSQL whose transactions survive a connection cut by a restart (OutageSafeTransaction)."""

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return OutageSafeTransaction(engine=self, allow_nested=allow_nested)


def _is_read(querystring: QueryString) -> bool:
    """Piccolo's SELECT-like queries start with their keyword; UPDATE/DELETE/INSERT start with a `{}` part."""
    return str(querystring.template).lstrip().upper().startswith(READ_PREFIXES)
