"""A user's language (`locale`: pt-BR or en); empty means "not chosen": the browser's Accept-Language applies."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import columns_migration

ID = "2026-11-30T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "user locale"


async def forwards() -> MigrationManager:
    return columns_migration(ID, DESCRIPTION, "arauto_user_profile", (("locale", "VARCHAR(8) NOT NULL DEFAULT ''"),))
