"""Index for a campaign's recipients in import order: the recipients table pages through them `ORDER BY id`, which
without it sorted every recipient of the campaign (100,000 rows: 12-30 ms) on each new page the live view draws."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import add_indexes, changes_migration

ID = "2026-11-30T20:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index campaign messages by campaign and id"


async def forwards() -> MigrationManager:
    return changes_migration(
        ID, DESCRIPTION, add_indexes([("ix_message_campaign_id", "arauto_campaign_message", "campaign, id", False)])
    )
