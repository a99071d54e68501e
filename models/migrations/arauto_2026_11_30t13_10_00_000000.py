"""Revocable sessions and an atomic login throttle (issue 10, findings 3 and 4).

`arauto_session`: one row per signed-in browser; deleting it ends the session at once (logout, password change, a
disabled user), whatever the cookie says. `arauto_login_throttle`: attempts per e-mail and per address in a fixed
window, counted by one atomic upsert before the password is checked; it replaces `arauto_login_failure`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import changes_migration, create_table, undone

ID = "2026-11-30T13:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "revocable sessions and an atomic login throttle"

SESSION = create_table(
    "arauto_session",
    '"key_hash" VARCHAR(64) PRIMARY KEY NOT NULL, '
    '"owner" INTEGER NOT NULL REFERENCES "piccolo_user" ("id") ON DELETE CASCADE, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"last_seen_at" TIMESTAMPTZ NOT NULL',
    (("ix_session_owner", '"owner"', False), ("ix_session_last_seen_at", '"last_seen_at"', False)),
)
THROTTLE = create_table(
    "arauto_login_throttle",
    '"key" VARCHAR(300) PRIMARY KEY NOT NULL, '
    '"attempts" INTEGER NOT NULL DEFAULT 0, '
    '"window_start" BIGINT NOT NULL DEFAULT 0',
)
LOGIN_FAILURE = create_table(
    "arauto_login_failure",
    '"id" {serial} PRIMARY KEY NOT NULL, '
    '"email" VARCHAR(254) NOT NULL DEFAULT \'\', '
    '"address" VARCHAR(64) NOT NULL DEFAULT \'\', '
    '"at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp',
    (
        ("arauto_login_failure_email", '"email"', False),
        ("arauto_login_failure_address", '"address"', False),
        ("arauto_login_failure_at", '"at"', False),
        ("ix_login_failure_email_at", "email, at", False),
    ),
)


async def forwards() -> MigrationManager:
    return changes_migration(ID, DESCRIPTION, (SESSION, THROTTLE, undone(LOGIN_FAILURE)))
