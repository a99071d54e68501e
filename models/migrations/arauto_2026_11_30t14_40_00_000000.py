"""The senders' liveness heartbeats (issue 16): a worker silent for seconds is dead, its claims reconciled at once.

The column types are the ones Piccolo declares for the table; only the auto-increment primary key is written
differently by each engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import on_sqlite, raw_migration, run

ID = "2026-11-30T14:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "worker heartbeats"

COLUMNS = "worker VARCHAR(64) NOT NULL UNIQUE, started_at TIMESTAMPTZ NOT NULL, beat_at TIMESTAMPTZ NOT NULL"


async def forwards() -> MigrationManager:
    key = "id INTEGER PRIMARY KEY AUTOINCREMENT" if on_sqlite() else "id SERIAL PRIMARY KEY"
    create = f'CREATE TABLE IF NOT EXISTS "arauto_worker" ({key}, {COLUMNS})'
    return raw_migration(ID, DESCRIPTION, run([create]), run(['DROP TABLE IF EXISTS "arauto_worker"']))
