"""Upserting many contacts and list memberships straight through the driver, inside the caller's transaction.

Piccolo's query builder spends microseconds per bound value on the event loop; the drivers' `executemany` runs
the rows in C (asyncpg) or in aiosqlite's thread. The two engines differ only in placeholders and JSON merging.
"""

from __future__ import annotations

import sqlite3
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


def _bound(now: datetime, postgres: bool) -> Any:
    """SQLite: the time as its registered adapter (Piccolo's) writes it, once, instead of once per bound row."""
    return now if postgres else sqlite3.adapt(now, sqlite3.PrepareProtocol)


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
    stamp = _bound(now, postgres)
    rows = [(owner_id, phone, attrs, "", stamp, stamp) for phone, attrs in zip(phones, attributes_json, strict=True)]
    await connection.executemany(sql, rows)


async def add_members(connection: Any, list_id: int, owner_id: int, phones: Sequence[str], now: datetime) -> None:
    """Put the owner's contacts with these numbers in a list; those already in it stay as they are. One statement:
    the ids go from the contacts' index to the members' without a trip through Python."""
    if is_postgres(Contact._meta.db):
        await connection.execute(
            "INSERT INTO arauto_list_member (contact_list, contact, added_at) SELECT $1, id, $2 FROM arauto_contact "
            "WHERE owner = $3 AND phone = ANY($4::varchar[]) ON CONFLICT (contact_list, contact) DO NOTHING",
            list_id,
            now,
            owner_id,
            list(phones),
        )
        return
    sql = (
        "INSERT INTO arauto_list_member (contact_list, contact, added_at) SELECT ?, id, ? FROM arauto_contact "  # noqa: S608
        f"WHERE owner = ? AND phone IN ({_placeholders(len(phones), False)}) "
        "ON CONFLICT (contact_list, contact) DO NOTHING"
    )
    cursor = await connection.execute(sql, (list_id, _bound(now, False), owner_id, *phones))
    await cursor.close()
