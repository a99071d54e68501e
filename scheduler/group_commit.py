"""Group commit: outcomes that arrive together are written in one transaction, each caller waiting for its own.

SQLite pays most of a write in opening the connection and syncing; batching the SENT rows of concurrent sends
keeps "record right after the send" (milliseconds later) while lifting throughput. The flush runs in its own task,
so a caller cancelled while waiting does not cancel the write.

A database outage is not a dead worker: when the database cannot be reached, the batch is kept and written again
(backing off up to MAX_RETRY_DELAY) until it is back, for up to `keep_for` seconds, instead of leaving the claims of
messages that did go out to the lease. Errors of a statement the database refused still fail at once. The
dispatcher's other writes of a claim (a retry, a failure, a release) go through the same loop (`through_outages`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Written = TypeVar("Written")
FIRST_RETRY_DELAY = 0.2
MAX_RETRY_DELAY = 2.0  # well under scheduler/workers.py's SILENT_AFTER_SECONDS: written before anyone steps in
KEEP_FOR_SECONDS = 600.0
log = logging.getLogger("arauto.group_commit")


def is_outage(error: BaseException) -> bool:
    """The database could not be reached (down, restarting, its connection lost), not a refused statement."""
    if isinstance(error, OSError | asyncio.TimeoutError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error) or "unable to open" in str(error)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - the PostgreSQL driver is an extra
        return False
    outages = (
        # A pooled connection the restart cut mid-operation: "cannot switch to state ...; another operation is in
        # progress". The statement never ran; the write is safe to try again (each one moves only its own claims).
        asyncpg.exceptions._base.InternalClientError,
        asyncpg.exceptions.PostgresConnectionError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.CannotConnectNowError,
        asyncpg.exceptions.AdminShutdownError,
        asyncpg.exceptions.CrashShutdownError,
    )
    return isinstance(error, outages)


async def through_outages(
    write: Callable[[], Awaitable[Written]],
    *,
    keep_for: float = KEEP_FOR_SECONDS,
    first_delay: float = FIRST_RETRY_DELAY,
    what: str = "1 outcome",
) -> Written:
    """`write()`, called again (backing off) while the database cannot be reached, for up to `keep_for` seconds."""
    loop = asyncio.get_running_loop()
    give_up_at, delay = loop.time() + keep_for, first_delay
    while True:
        try:
            return await write()
        except Exception as exc:
            if not is_outage(exc) or loop.time() + delay > give_up_at:
                raise
            log.warning("database unreachable (%s): keeping %s, writing again", exc, what)
        await asyncio.sleep(delay)
        delay = min(MAX_RETRY_DELAY, delay * 2)


class GroupCommit(Generic[Item, Result]):
    def __init__(
        self,
        flush: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]],
        *,
        keep_for: float = KEEP_FOR_SECONDS,
        first_delay: float = FIRST_RETRY_DELAY,
    ) -> None:
        self._flush = flush
        self._keep_for = keep_for
        self._first_delay = first_delay
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                results = await self._flush_through_outages([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _flush_through_outages(self, items: list[Item]) -> Sequence[Result]:
        return await through_outages(
            lambda: self._flush(items),
            keep_for=self._keep_for,
            first_delay=self._first_delay,
            what=f"{len(items)} outcome(s)",
        )
