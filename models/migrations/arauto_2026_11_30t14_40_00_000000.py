"""The senders' liveness heartbeats (issue 16): a worker silent for seconds is dead, its claims reconciled at once.

The column types are the ones Piccolo declares for the table; only the auto-increment primary key is written
differently by each engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T14:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "worker heartbeats"

COLUMNS = "worker VARCHAR(64) NOT NULL UNIQUE, started_at TIMESTAMPTZ NOT NULL, beat_at TIMESTAMPTZ NOT NULL"


class _Raw(Table, tablename="migration"):
    pass


def _primary_key() -> str:
    return "id INTEGER PRIMARY KEY AUTOINCREMENT" if _Raw._meta.db.engine_type == "sqlite" else "id SERIAL PRIMARY KEY"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)

    async def create_table() -> None:
        await _Raw.raw(f'CREATE TABLE IF NOT EXISTS "arauto_worker" ({_primary_key()}, {COLUMNS})')

    async def drop_table() -> None:
        await _Raw.raw('DROP TABLE IF EXISTS "arauto_worker"')

    manager.add_raw(create_table)
    manager.add_raw_backwards(drop_table)
    return manager
