"""Pacing and the user-limit slot (issues 13 and 15).

`arauto_campaign` gains its send window (JSON text, NULL = any time), its time zone ('' = the owner's), its expiry
and its frequency cap in hours (NULL = off). `arauto_instance` gains warm-up: on/off, the day it began, and the day
its cap was halved for a high failure rate. `arauto_user_profile` gains the user-limit slot: the sends claimed on
the local day `day_of` and in the local month beginning `month_of`, moved by compare-and-swap in the claim's
transaction like the instance's `sent_today`/`sent_day`. Two indexes serve the frequency cap (a number's last send)
and the warm-up failure rate (a number's last sends).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import add_columns, add_indexes, changes_migration

ID = "2026-11-30T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pacing: send windows, expiry, frequency cap, warm-up, the user-limit slot"

CHANGES = (
    *add_columns(
        "arauto_campaign",
        (
            ("send_window", "TEXT NULL DEFAULT NULL"),
            ("timezone", "VARCHAR(64) NOT NULL DEFAULT ''"),
            ("expires_at", "TIMESTAMPTZ NULL DEFAULT NULL"),
            ("frequency_cap_hours", "INTEGER NULL DEFAULT NULL"),
        ),
    ),
    *add_columns(
        "arauto_instance",
        (
            ("warmup", "BOOLEAN NOT NULL DEFAULT false"),
            ("warmup_started_at", "DATE NULL DEFAULT NULL"),
            ("warmup_halved_day", "DATE NULL DEFAULT NULL"),
        ),
    ),
    *add_columns(
        "arauto_user_profile",
        (
            ("day_sent", "INTEGER NOT NULL DEFAULT 0"),
            ("day_of", "DATE NULL DEFAULT NULL"),
            ("month_sent", "INTEGER NOT NULL DEFAULT 0"),
            ("month_of", "DATE NULL DEFAULT NULL"),
        ),
    ),
    *add_indexes(
        (
            ("ix_message_phone_sent_at", "arauto_campaign_message", '"phone", "sent_at"', False),
            ("ix_message_instance_id", "arauto_campaign_message", '"instance_id", "id"', False),
        )
    ),
)


async def forwards() -> MigrationManager:
    return changes_migration(ID, DESCRIPTION, CHANGES)
