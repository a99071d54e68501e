"""A database outage is not a dead worker: the group commit keeps the outcomes it could not write and writes them
when the database is back; a statement the database refuses still fails at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from scheduler.group_commit import GroupCommit


class FlakyDatabase:
    """Unreachable for the first `down_for` flushes, then writes each batch (and remembers it)."""

    def __init__(self, down_for: int, error: Exception) -> None:
        self.down_for, self.error = down_for, error
        self.attempts = 0
        self.written: list[str] = []

    async def flush(self, items: Sequence[str]) -> list[int]:
        self.attempts += 1
        if self.attempts <= self.down_for:
            raise self.error
        self.written.extend(items)
        return [len(item) for item in items]


async def test_outcomes_that_meet_an_outage_are_written_once_the_database_is_back() -> None:
    database = FlakyDatabase(down_for=3, error=ConnectionRefusedError("connection refused"))
    commit = GroupCommit(database.flush, first_delay=0.01)
    results = await asyncio.gather(commit.submit("a"), commit.submit("bb"), commit.submit("ccc"))
    assert list(results) == [1, 2, 3]
    assert sorted(database.written) == ["a", "bb", "ccc"]  # each written exactly once
    assert database.attempts > 3


async def test_a_statement_the_database_refuses_fails_at_once_without_a_retry() -> None:
    database = FlakyDatabase(down_for=1, error=ValueError("refused"))
    commit = GroupCommit(database.flush, first_delay=0.01)
    with pytest.raises(ValueError):
        await commit.submit("a")
    assert database.attempts == 1 and database.written == []


async def test_an_outage_longer_than_it_keeps_outcomes_fails_the_callers() -> None:
    database = FlakyDatabase(down_for=10_000, error=ConnectionRefusedError("connection refused"))
    commit = GroupCommit(database.flush, keep_for=0.1, first_delay=0.01)
    with pytest.raises(ConnectionRefusedError):
        await commit.submit("a")
    assert database.written == []


async def test_a_pooled_connection_cut_mid_operation_by_a_restart_is_an_outage() -> None:
    """What asyncpg raised when a PostgreSQL restart cut a pooled connection during a group commit."""
    from asyncpg.exceptions._base import InternalClientError

    cut = InternalClientError("cannot switch to state 15; another operation (2) is in progress")
    database = FlakyDatabase(down_for=2, error=cut)
    commit = GroupCommit(database.flush, first_delay=0.01)
    assert await commit.submit("a") == 1
    assert database.written == ["a"]
