"""Reach, issue 12: the pre-check (`precheck`/`check_requested` on campaigns, the JID the check resolved on each
message, the check's own slot on instances, the per-user results `arauto_whatsapp_check`) and several numbers per
campaign (`arauto_campaign_number`, filled from each campaign's one number; the number a message goes through;
`arauto_number_event`, a number's outages as its campaigns saw them).
Raw SQL valid on SQLite and PostgreSQL (only the serial key's spelling differs)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import add_column, changes_migration

ID = "2026-11-30T14:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reach: number pre-check"

COLUMNS = (
    ("arauto_campaign", "precheck", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("arauto_campaign", "check_requested", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("arauto_campaign_message", "whatsapp_jid", "VARCHAR(128) NOT NULL DEFAULT ''"),
    ("arauto_instance", "next_check_at", "TIMESTAMPTZ NULL DEFAULT NULL"),
    ("arauto_campaign_message", "instance_id", "INTEGER NULL DEFAULT NULL"),
)
CHECK_TABLE = """CREATE TABLE "arauto_whatsapp_check" (
    "id" {serial} PRIMARY KEY,
    "owner" INTEGER NOT NULL REFERENCES "piccolo_user" ("id") ON DELETE CASCADE,
    "phone" VARCHAR(20) NOT NULL,
    "on_whatsapp" BOOLEAN NOT NULL DEFAULT FALSE,
    "jid" VARCHAR(128) NOT NULL DEFAULT '',
    "checked_at" TIMESTAMPTZ NOT NULL
)"""

NUMBERS_TABLE = """CREATE TABLE "arauto_campaign_number" (
    "id" {serial} PRIMARY KEY,
    "campaign" INTEGER NOT NULL REFERENCES "arauto_campaign" ("id") ON DELETE CASCADE,
    "instance" INTEGER NOT NULL REFERENCES "arauto_instance" ("id") ON DELETE RESTRICT,
    "position" INTEGER NOT NULL DEFAULT 0
)"""

EVENTS_TABLE = """CREATE TABLE "arauto_number_event" (
    "id" {serial} PRIMARY KEY,
    "campaign" INTEGER NOT NULL REFERENCES "arauto_campaign" ("id") ON DELETE CASCADE,
    "instance" INTEGER NOT NULL REFERENCES "arauto_instance" ("id") ON DELETE CASCADE,
    "at" TIMESTAMPTZ NOT NULL,
    "event" VARCHAR(16) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT ''
)"""


# Each change: the statements that make it, then those that undo it (the copied numbers go with their table).
CHANGES = (
    *(add_column(*column) for column in COLUMNS),
    (
        (
            CHECK_TABLE,
            'CREATE UNIQUE INDEX "uq_whatsapp_check_owner_phone" ON "arauto_whatsapp_check" (owner, phone)',
        ),
        ('DROP TABLE IF EXISTS "arauto_whatsapp_check"',),
    ),
    (
        ('CREATE INDEX "ix_message_campaign_unchecked" ON "arauto_campaign_message" (campaign, status, whatsapp_jid)',),
        ('DROP INDEX IF EXISTS "ix_message_campaign_unchecked"',),
    ),
    (
        (
            NUMBERS_TABLE,
            'CREATE UNIQUE INDEX "uq_campaign_instance" ON "arauto_campaign_number" (campaign, instance)',
            'CREATE INDEX "ix_campaign_instance_instance" ON "arauto_campaign_number" (instance)',
        ),
        ('DROP TABLE IF EXISTS "arauto_campaign_number"',),
    ),
    (
        (EVENTS_TABLE, 'CREATE INDEX "ix_number_event_campaign_at" ON "arauto_number_event" (campaign, at)'),
        ('DROP TABLE IF EXISTS "arauto_number_event"',),
    ),
    (
        (
            'INSERT INTO "arauto_campaign_number" (campaign, instance, position) '
            'SELECT id, instance, 0 FROM "arauto_campaign" WHERE instance IS NOT NULL',
        ),
        (),
    ),
)


async def forwards() -> MigrationManager:
    return changes_migration(ID, DESCRIPTION, CHANGES)
