"""Contacts, lists, list members and the lists a campaign sends to or leaves out (issue 14).

The column types are the ones Piccolo declares for these tables (its SQLite driver converts values by them);
only the auto-increment primary key is written differently by each engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import create_indexes, drop_indexes, on_sqlite, raw_migration, run

ID = "2026-11-30T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contacts and lists"

TABLES = (
    (
        "arauto_contact",
        "owner INTEGER NOT NULL REFERENCES piccolo_user (id) ON DELETE CASCADE, "
        "phone VARCHAR(20) NOT NULL, "
        "attributes JSON NOT NULL, "  # no DEFAULT: raw() reads braces as placeholders; the app always writes it
        "tags VARCHAR(1000) NOT NULL DEFAULT '', "
        "created_at TIMESTAMPTZ NOT NULL, "
        "updated_at TIMESTAMPTZ NOT NULL",
    ),
    (
        "arauto_contact_list",
        "owner INTEGER NOT NULL REFERENCES piccolo_user (id) ON DELETE CASCADE, "
        "name VARCHAR(200) NOT NULL, "
        "created_at TIMESTAMPTZ NOT NULL, "
        "updated_at TIMESTAMPTZ NOT NULL",
    ),
    (
        "arauto_list_member",
        "contact_list INTEGER NOT NULL REFERENCES arauto_contact_list (id) ON DELETE CASCADE, "
        "contact INTEGER NOT NULL REFERENCES arauto_contact (id) ON DELETE CASCADE, "
        "added_at TIMESTAMPTZ NOT NULL",
    ),
    (
        "arauto_campaign_list",
        "campaign INTEGER NOT NULL REFERENCES arauto_campaign (id) ON DELETE CASCADE, "
        "contact_list INTEGER NOT NULL REFERENCES arauto_contact_list (id) ON DELETE CASCADE, "
        "exclude BOOLEAN NOT NULL DEFAULT FALSE",
    ),
)
BIG_IDS = {"arauto_list_member"}
INDEXES = (
    ("uq_contact_owner_phone", "arauto_contact", "owner, phone", True),
    ("ix_contact_owner_updated", "arauto_contact", "owner, updated_at", False),
    ("ix_contact_list_owner", "arauto_contact_list", "owner", False),
    ("uq_list_member_list_contact", "arauto_list_member", "contact_list, contact", True),
    ("ix_list_member_contact", "arauto_list_member", "contact", False),
    ("uq_campaign_list_campaign_list", "arauto_campaign_list", "campaign, contact_list", True),
    ("ix_campaign_list_list", "arauto_campaign_list", "contact_list", False),
)


def _primary_key(table: str) -> str:
    if on_sqlite():
        return "id INTEGER PRIMARY KEY AUTOINCREMENT"
    return "id BIGSERIAL PRIMARY KEY" if table in BIG_IDS else "id SERIAL PRIMARY KEY"


async def forwards() -> MigrationManager:
    created = [f'CREATE TABLE IF NOT EXISTS "{table}" ({_primary_key(table)}, {columns})' for table, columns in TABLES]
    dropped = [f'DROP TABLE IF EXISTS "{table}"' for table, _ in reversed(TABLES)]
    return raw_migration(
        ID, DESCRIPTION, run(created + create_indexes(INDEXES)), run(drop_indexes(INDEXES) + dropped)
    )
