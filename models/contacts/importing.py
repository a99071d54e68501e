"""A CSV or XLSX into a list, through the recipients pipeline: the same reading, mapping, phone screening and
per-row report. A number already kept is updated (its attributes merged), never duplicated; `mode` `replace`
empties the list first, in the same transaction as the import."""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import datetime
from enum import StrEnum

from models.contacts import _bulk
from models.contacts.lists import get_list, member_count
from models.db import atomic
from models.errors import N_, ImportRejected, ValidationFailed
from models.phones import is_known_region, unknown_region
from models.recipients import (
    CsvSource,
    ImportOptions,
    ImportReport,
    Screener,
    current_pool,
    nothing_to_import,
    screen_source,
)
from models.tables import ContactList, ListMember
from settings import Settings


class ImportMode(StrEnum):
    ADD = "add"
    REPLACE = "replace"


def import_mode(raw: str | None) -> ImportMode:
    try:
        return ImportMode((raw or ImportMode.ADD.value).strip().lower())
    except ValueError:
        raise ValidationFailed({"mode": N_("must be add or replace")}) from None


async def import_into_list(
    list_id: int,
    source: CsvSource,
    options: ImportOptions,
    *,
    mode: ImportMode = ImportMode.ADD,
    owner_id: int,
    settings: Settings,
    now: datetime,
    executor: Executor | None = None,
) -> ImportReport:
    """Screen the file, then upsert its contacts and put them in the list in ONE transaction; the report's
    `totalRecipients` is the list's size afterwards. Nothing is written when the file cannot go in.

    The checks run as a campaign's import runs them: in `executor` (default: the app's pool) for a large file."""
    await get_list(list_id, owner_id=owner_id)
    region = options.default_region or settings.default_region
    if not is_known_region(region):
        raise ValidationFailed({"defaultRegion": unknown_region(region)})
    # Opted-out numbers are kept as contacts: a campaign leaves them out when it freezes its audience.
    screener = Screener(region=region, limit=settings.max_recipients, as_object=True)
    await screen_source(source, options, screener, max_bytes=settings.max_upload_bytes, pool=executor or current_pool())
    report = ImportReport(imported=len(screener.accepted), skipped=screener.skipped)
    if report.imported == 0:
        raise ImportRejected(nothing_to_import(report))
    await _store(list_id, owner_id, screener, replace=mode is ImportMode.REPLACE, now=now)
    report.total_recipients = await member_count(list_id)
    return report


async def _store(list_id: int, owner_id: int, screener: Screener, *, replace: bool, now: datetime) -> None:
    accepted = screener.accepted
    async with atomic() as current:
        connection = current.connection
        if replace:
            await ListMember.delete().where(ListMember.contact_list == list_id)
        for start in range(0, len(accepted), _bulk.CHUNK_ROWS):
            window = slice(start, start + _bulk.CHUNK_ROWS)
            phones = accepted.phones[window]
            # Encoded as a contact's attributes ({name: value}) by the checks, off the event loop.
            await _bulk.upsert_contacts(connection, owner_id, phones, accepted.variables_json[window], now)
            await _bulk.add_members(connection, list_id, owner_id, phones, now)
        await ContactList.update({ContactList.updated_at: now}).where(ContactList.id == list_id)
