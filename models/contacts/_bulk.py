"""Upserting many contacts and list memberships straight through the driver, inside the caller's transaction.

Piccolo's query builder spends microseconds per bound value on the event loop; the drivers' `executemany` runs
the rows in C (asyncpg) or in aiosqlite's thread. The two engines differ only in placeholders and JSON merging.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from models.engines import is_postgres
from models.tables import Contact

CHUNK_ROWS = 5_000

# Re-importing a number keeps its other attributes and overwrites the ones the file gives.
_MERGE = {
    False: "json_patch(arauto_contact.attributes, excluded.attributes)",
    True: "(arauto_contact.attributes::jsonb || excluded.attributes::jsonb)::json",
}


def _placeholders(count: int, postgres: bool, start: int = 1) -> str:
    return ", ".join(f"${start + n}" if postgres else "?" for n in range(count))


async def upsert_contacts(
    connection: Any, owner_id: int, phones: Sequence[str], attributes_json: Sequence[str], now: datetime
) -> None:
    """Insert new numbers, merge the attributes of known ones (unique by owner and phone)."""
    postgres = is_postgres(Contact._meta.db)
    sql = (
        "INSERT INTO arauto_contact (owner, phone, attributes, tags, created_at, updated_at) "  # noqa: S608
        f"VALUES ({_placeholders(6, postgres)}) ON CONFLICT (owner, phone) DO UPDATE SET "
        f"attributes = {_MERGE[postgres]}, updated_at = excluded.updated_at"
    )
    rows = [(owner_id, phone, attrs, "", now, now) for phone, attrs in zip(phones, attributes_json, strict=True)]
    await connection.executemany(sql, rows)


async def contact_ids(connection: Any, owner_id: int, phones: Sequence[str]) -> list[int]:
    """The ids of the owner's contacts with these numbers (one chunk of an import)."""
    postgres = is_postgres(Contact._meta.db)
    if postgres:
        found = await connection.fetch(
            "SELECT id FROM arauto_contact WHERE owner = $1 AND phone = ANY($2::varchar[])", owner_id, list(phones)
        )
        return [int(row["id"]) for row in found]
    sql = f"SELECT id FROM arauto_contact WHERE owner = ? AND phone IN ({_placeholders(len(phones), False)})"  # noqa: S608
    cursor = await connection.execute(sql, (owner_id, *phones))
    rows = await cursor.fetchall()
    await cursor.close()
    return [int(row["id"]) for row in rows]  # Piccolo gives SQLite rows as dicts


async def add_members(connection: Any, list_id: int, ids: Sequence[int], now: datetime) -> None:
    """Put contacts in a list; those already in it stay as they are."""
    postgres = is_postgres(Contact._meta.db)
    sql = (
        "INSERT INTO arauto_list_member (contact_list, contact, added_at) "  # noqa: S608
        f"VALUES ({_placeholders(3, postgres)}) ON CONFLICT (contact_list, contact) DO NOTHING"
    )
    await connection.executemany(sql, [(list_id, contact, now) for contact in ids])
