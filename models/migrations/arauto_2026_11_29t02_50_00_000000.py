"""Index for the progress rate: messages of a campaign sent in the last minutes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import create_indexes, drop_indexes, raw_migration, run

ID = "2026-11-29T02:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index campaign messages by sent time"

INDEXES = (("ix_message_campaign_sent_at", "arauto_campaign_message", "campaign, sent_at", False),)


async def forwards() -> MigrationManager:
    return raw_migration(ID, DESCRIPTION, run(create_indexes(INDEXES)), run(drop_indexes(INDEXES)))
