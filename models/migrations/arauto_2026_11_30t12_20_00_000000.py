"""Webhook events remember how often applying them was tried and why it last failed, so the backlog job retries a
failed one (a STOP lost to a transient error) a bounded number of times. `processed_at` already says "applied"."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhook event apply attempts"

TABLE = "arauto_webhook_event"
COLUMNS = (
    ("apply_attempts", "INTEGER NOT NULL DEFAULT 0"),
    ("apply_error", "VARCHAR(500) NOT NULL DEFAULT ''"),
)


class _Raw(Table, tablename="migration"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)

    async def add_columns() -> None:
        for name, definition in COLUMNS:
            await _Raw.raw(f'ALTER TABLE "{TABLE}" ADD COLUMN "{name}" {definition}')

    async def drop_columns() -> None:
        for name, _ in reversed(COLUMNS):
            await _Raw.raw(f'ALTER TABLE "{TABLE}" DROP COLUMN "{name}"')

    manager.add_raw(add_columns)
    manager.add_raw_backwards(drop_columns)
    return manager
