"""A campaign may carry an uploaded media file (besides a media URL): `media_upload` describes it as JSON (where it
is stored, its kind, MIME type and file name); empty means none. Sent to Evolution as raw base64."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import columns_migration

ID = "2026-11-30T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "campaign media upload"


async def forwards() -> MigrationManager:
    return columns_migration(ID, DESCRIPTION, "arauto_campaign", (("media_upload", "TEXT NOT NULL DEFAULT ''"),))
