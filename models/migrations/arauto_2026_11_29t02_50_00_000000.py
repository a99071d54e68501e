"""Index for the progress rate: messages of a campaign sent in the last minutes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T02:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index campaign messages by sent time"


class _Raw(Table, tablename="migration"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)

    async def create_index() -> None:
        await _Raw.raw('CREATE INDEX IF NOT EXISTS "ix_message_campaign_sent_at" ON "arauto_campaign_message" (campaign, sent_at)')

    async def drop_index() -> None:
        await _Raw.raw('DROP INDEX IF EXISTS "ix_message_campaign_sent_at"')

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
