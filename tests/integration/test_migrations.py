"""`arauto migrate` builds the whole schema from an empty database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from models.db import all_tables
from tests.fixtures.database import POSTGRES_URL, migrate

EXPECTED_INDEXES = {
    "uq_message_campaign_phone",
    "ix_message_campaign_status_next",
    "arauto_campaign_message_evolution_id",
    "ix_campaign_owner_status",
    "ix_campaign_owner_instance",
    "uq_optout_owner_phone",
    "uq_webhook_event_dedupe",
}


def test_migrate_builds_every_table_and_index_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    migrate(f"sqlite:///{path}")
    migrate(f"sqlite:///{path}")  # a second run is a no-op
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        indexes = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert {t._meta.tablename for t in all_tables()} <= tables
    assert indexes >= EXPECTED_INDEXES
    assert journal == "wal"


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://...")
async def test_migrate_builds_every_table_and_index_on_an_empty_postgres_database() -> None:
    import asyncpg

    name = f"arauto_empty_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    try:
        migrate(url)
        migrate(url)
        connection = await asyncpg.connect(url)
        try:
            tables = {r["tablename"] for r in await connection.fetch("SELECT tablename FROM pg_tables")}
            indexes = {r["indexname"] for r in await connection.fetch("SELECT indexname FROM pg_indexes")}
        finally:
            await connection.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    assert {t._meta.tablename for t in all_tables()} <= tables
    assert indexes >= EXPECTED_INDEXES
