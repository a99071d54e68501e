"""Reach, issue 12: the pre-check (`precheck`/`check_requested` on campaigns, the JID the check resolved on each
message, the check's own slot on instances, the per-user results `arauto_whatsapp_check`) and several numbers per
campaign (`arauto_campaign_number`, filled from each campaign's one number; the number a message goes through;
`arauto_number_event`, a number's outages as its campaigns saw them).
Raw SQL valid on SQLite and PostgreSQL (only the serial key's spelling differs)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

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
    "id" {serial},
    "owner" INTEGER NOT NULL REFERENCES "piccolo_user" ("id") ON DELETE CASCADE,
    "phone" VARCHAR(20) NOT NULL,
    "on_whatsapp" BOOLEAN NOT NULL DEFAULT FALSE,
    "jid" VARCHAR(128) NOT NULL DEFAULT '',
    "checked_at" TIMESTAMPTZ NOT NULL
)"""

NUMBERS_TABLE = """CREATE TABLE "arauto_campaign_number" (
    "id" {serial},
    "campaign" INTEGER NOT NULL REFERENCES "arauto_campaign" ("id") ON DELETE CASCADE,
    "instance" INTEGER NOT NULL REFERENCES "arauto_instance" ("id") ON DELETE RESTRICT,
    "position" INTEGER NOT NULL DEFAULT 0
)"""

EVENTS_TABLE = """CREATE TABLE "arauto_number_event" (
    "id" {serial},
    "campaign" INTEGER NOT NULL REFERENCES "arauto_campaign" ("id") ON DELETE CASCADE,
    "instance" INTEGER NOT NULL REFERENCES "arauto_instance" ("id") ON DELETE CASCADE,
    "at" TIMESTAMPTZ NOT NULL,
    "event" VARCHAR(16) NOT NULL,
    "reason" TEXT NOT NULL DEFAULT ''
)"""


class _Raw(Table, tablename="migration"):
    pass


def _serial() -> str:
    return "SERIAL PRIMARY KEY" if _Raw._meta.db.engine_type == "postgres" else "INTEGER PRIMARY KEY"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)

    async def add() -> None:
        for table, name, definition in COLUMNS:
            await _Raw.raw(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}')
        await _Raw.raw(CHECK_TABLE.format(serial=_serial()))
        await _Raw.raw('CREATE UNIQUE INDEX "uq_whatsapp_check_owner_phone" ON "arauto_whatsapp_check" (owner, phone)')
        await _Raw.raw(
            'CREATE INDEX "ix_message_campaign_unchecked" ON "arauto_campaign_message" (campaign, status, whatsapp_jid)'
        )
        await _Raw.raw(NUMBERS_TABLE.format(serial=_serial()))
        await _Raw.raw(
            'CREATE UNIQUE INDEX "uq_campaign_instance" ON "arauto_campaign_number" (campaign, instance)'
        )
        await _Raw.raw('CREATE INDEX "ix_campaign_instance_instance" ON "arauto_campaign_number" (instance)')
        await _Raw.raw(EVENTS_TABLE.format(serial=_serial()))
        await _Raw.raw('CREATE INDEX "ix_number_event_campaign_at" ON "arauto_number_event" (campaign, at)')
        await _Raw.raw(
            'INSERT INTO "arauto_campaign_number" (campaign, instance, position) '
            'SELECT id, instance, 0 FROM "arauto_campaign" WHERE instance IS NOT NULL'
        )

    async def drop() -> None:
        await _Raw.raw('DROP TABLE IF EXISTS "arauto_number_event"')
        await _Raw.raw('DROP TABLE IF EXISTS "arauto_campaign_number"')
        await _Raw.raw('DROP INDEX IF EXISTS "ix_message_campaign_unchecked"')
        await _Raw.raw('DROP TABLE IF EXISTS "arauto_whatsapp_check"')
        for table, name, _ in reversed(COLUMNS):
            await _Raw.raw(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
