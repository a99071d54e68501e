"""Webhook events remember how often applying them was tried and why it last failed, so the backlog job retries a
failed one (a STOP lost to a transient error) a bounded number of times. `processed_at` already says "applied"."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import columns_migration

ID = "2026-11-30T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhook event apply attempts"

COLUMNS = (
    ("apply_attempts", "INTEGER NOT NULL DEFAULT 0"),
    ("apply_error", "VARCHAR(500) NOT NULL DEFAULT ''"),
)


async def forwards() -> MigrationManager:
    return columns_migration(ID, DESCRIPTION, "arauto_webhook_event", COLUMNS)
