"""Pacing and the user-limit slot (issues 13 and 15).

`arauto_campaign` gains its send window (JSON text, NULL = any time), its time zone ('' = the owner's), its expiry
and its frequency cap in hours (NULL = off). `arauto_instance` gains warm-up: on/off, the day it began, and the day
its cap was halved for a high failure rate. `arauto_user_profile` gains the user-limit slot: the sends claimed on
the local day `day_of` and in the local month beginning `month_of`, moved by compare-and-swap in the claim's
transaction like the instance's `sent_today`/`sent_day`. Two indexes serve the frequency cap (a number's last send)
and the warm-up failure rate (a number's last sends).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import raw_migration, run

ID = "2026-11-30T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pacing: send windows, expiry, frequency cap, warm-up, the user-limit slot"

FORWARDS = (
    'ALTER TABLE "arauto_campaign" ADD COLUMN "send_window" TEXT NULL DEFAULT NULL',
    'ALTER TABLE "arauto_campaign" ADD COLUMN "timezone" VARCHAR(64) NOT NULL DEFAULT \'\'',
    'ALTER TABLE "arauto_campaign" ADD COLUMN "expires_at" TIMESTAMPTZ NULL DEFAULT NULL',
    'ALTER TABLE "arauto_campaign" ADD COLUMN "frequency_cap_hours" INTEGER NULL DEFAULT NULL',
    'ALTER TABLE "arauto_instance" ADD COLUMN "warmup" BOOLEAN NOT NULL DEFAULT false',
    'ALTER TABLE "arauto_instance" ADD COLUMN "warmup_started_at" DATE NULL DEFAULT NULL',
    'ALTER TABLE "arauto_instance" ADD COLUMN "warmup_halved_day" DATE NULL DEFAULT NULL',
    'ALTER TABLE "arauto_user_profile" ADD COLUMN "day_sent" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "arauto_user_profile" ADD COLUMN "day_of" DATE NULL DEFAULT NULL',
    'ALTER TABLE "arauto_user_profile" ADD COLUMN "month_sent" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "arauto_user_profile" ADD COLUMN "month_of" DATE NULL DEFAULT NULL',
    'CREATE INDEX IF NOT EXISTS "ix_message_phone_sent_at" ON "arauto_campaign_message" ("phone", "sent_at")',
    'CREATE INDEX IF NOT EXISTS "ix_message_instance_id" ON "arauto_campaign_message" ("instance_id", "id")',
)

BACKWARDS = (
    'DROP INDEX IF EXISTS "ix_message_instance_id"',
    'DROP INDEX IF EXISTS "ix_message_phone_sent_at"',
    'ALTER TABLE "arauto_user_profile" DROP COLUMN "month_of"',
    'ALTER TABLE "arauto_user_profile" DROP COLUMN "month_sent"',
    'ALTER TABLE "arauto_user_profile" DROP COLUMN "day_of"',
    'ALTER TABLE "arauto_user_profile" DROP COLUMN "day_sent"',
    'ALTER TABLE "arauto_instance" DROP COLUMN "warmup_halved_day"',
    'ALTER TABLE "arauto_instance" DROP COLUMN "warmup_started_at"',
    'ALTER TABLE "arauto_instance" DROP COLUMN "warmup"',
    'ALTER TABLE "arauto_campaign" DROP COLUMN "frequency_cap_hours"',
    'ALTER TABLE "arauto_campaign" DROP COLUMN "expires_at"',
    'ALTER TABLE "arauto_campaign" DROP COLUMN "timezone"',
    'ALTER TABLE "arauto_campaign" DROP COLUMN "send_window"',
)


async def forwards() -> MigrationManager:
    return raw_migration(ID, DESCRIPTION, run(FORWARDS), run(BACKWARDS))
