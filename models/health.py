"""Readiness: the checks `/readyz` answers with (database reachable, every migration applied)."""

from __future__ import annotations

import asyncio
from functools import cache

from models.tables import Campaign

DATABASE_TIMEOUT_SECONDS = 2.0


@cache
def expected_migrations() -> frozenset[str]:
    """The IDs of Arauto's migration files (read once: they do not change while the process runs)."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    from models.piccolo_app import APP_CONFIG

    manager = BaseMigrationManager()
    return frozenset(manager.get_migration_ids(manager.get_migration_modules(str(APP_CONFIG.migrations_folder_path))))


async def database_problems() -> dict[str, str]:
    """{check: why it fails} for the database and its migrations; empty when both are fine."""
    try:
        rows = await asyncio.wait_for(
            Campaign.raw("SELECT name FROM migration WHERE app_name = {}", "arauto").run(), DATABASE_TIMEOUT_SECONDS
        )
    except Exception as exc:  # any failure to answer is "not reachable"; the reason is shown
        return {"database": f"not reachable: {type(exc).__name__}"}
    missing = expected_migrations() - {row["name"] for row in rows}
    if missing:
        return {"migrations": f"{len(missing)} not applied, the first {min(missing)}: run `arauto migrate`"}
    return {}
