"""Composite and unique indexes named by the design's queries (raw SQL: Piccolo cannot add them on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite indexes"

INDEXES = (
    ("uq_message_campaign_phone", "arauto_campaign_message", "campaign, phone", True),
    ("ix_message_campaign_status_next", "arauto_campaign_message", "campaign, status, next_attempt_at", False),
    ("ix_message_status_claimed", "arauto_campaign_message", "status, claimed_at", False),
    ("ix_campaign_owner_status", "arauto_campaign", "owner, status", False),
    ("ix_campaign_owner_instance", "arauto_campaign", "owner, instance", False),
    ("ix_campaign_status_scheduled", "arauto_campaign", "status, scheduled_for", False),
    ("uq_optout_owner_phone", "arauto_opt_out", "owner, phone", True),
    ("uq_webhook_event_dedupe", "arauto_webhook_event", "instance, dedupe_key", True),
    ("ix_login_failure_email_at", "arauto_login_failure", "email, at", False),
)


class _Raw(Table, tablename="migration"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, table, columns, unique in INDEXES:
            kind = "UNIQUE INDEX" if unique else "INDEX"
            await _Raw.raw(f'CREATE {kind} IF NOT EXISTS "{name}" ON "{table}" ({columns})')

    async def drop_indexes() -> None:
        for name, *_ in INDEXES:
            await _Raw.raw(f'DROP INDEX IF EXISTS "{name}"')

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
