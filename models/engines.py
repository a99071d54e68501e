"""Build a Piccolo engine from a database URL; the only place that knows both engines' settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0


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
    return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)


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
