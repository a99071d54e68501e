"""A campaign may carry an uploaded media file (besides a media URL): `media_upload` describes it as JSON (where it
is stored, its kind, MIME type and file name); empty means none. Sent to Evolution as raw base64."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "campaign media upload"

TABLE = "arauto_campaign"
COLUMNS = (("media_upload", "TEXT NOT NULL DEFAULT ''"),)


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
