"""SQLite reads reuse a few open connections (Piccolo would open one, and a thread, per query), and a reused
connection still sees every write committed since it opened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiosqlite
import pytest

from models.db import current_engine
from models.engines import READ_CONNECTIONS, QueuedSQLiteEngine, ReadConnections, point_reads
from models.tables import Instance
from tests.factories import make_instance
from tests.fixtures.database import POSTGRES_URL

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's read connections")


@pytest.fixture
async def readers(db: str) -> AsyncIterator[QueuedSQLiteEngine]:
    engine = current_engine()
    assert isinstance(engine, QueuedSQLiteEngine)
    engine.open_readers()
    yield engine
    await engine.close_readers()


async def test_sqlite_reads_reuse_a_few_open_connections_instead_of_one_per_query(readers, monkeypatch) -> None:
    opened: list[Any] = []
    real = aiosqlite.connect

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("database"))
        return real(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", counting)
    for _ in range(20):
        await Instance.count()
    counts = await asyncio.gather(*(Instance.count() for _ in range(20)))
    assert counts == [0] * 20
    assert 1 <= len(opened) <= READ_CONNECTIONS


async def test_a_reused_read_connection_sees_a_write_committed_after_it_opened(readers, make_user) -> None:
    user = await make_user()
    assert await Instance.count() == 0  # the read connection is open now
    await make_instance(user.id)
    assert await Instance.count() == 1


async def test_point_reads_run_on_the_loops_own_connection_and_see_the_latest_commit(
    readers, make_user, monkeypatch
) -> None:
    """No reader thread (no hand-off waiting for the GIL); a write committed since is seen all the same."""
    user = await make_user()
    opened: list[Any] = []
    real = aiosqlite.connect

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(kwargs.get("database"))
        return real(*args, **kwargs)

    with point_reads():
        monkeypatch.setattr(aiosqlite, "connect", counting)
        assert await Instance.count() == 0
        monkeypatch.undo()
        await make_instance(user.id)  # a write: Piccolo's own connection
        monkeypatch.setattr(aiosqlite, "connect", counting)
        assert await Instance.count() == 1
    assert opened == []


async def test_a_point_read_that_finds_sqlite_busy_reads_on_a_thread_instead_of_waiting(
    readers, monkeypatch
) -> None:
    monkeypatch.setattr(ReadConnections, "inline", lambda self, query, args: None)  # SQLite answered busy
    with point_reads():
        assert await Instance.count() == 0
