"""Per-campaign CSV report, streamed in keyset-paginated batches so 100,000 rows never sit in memory.

Excel: UTF-8 with a BOM, one column per variable (the campaign's variable names; "other_variables" holds, as JSON,
names a row stored before names moved to the campaign may carry). Cells a spreadsheet would run
as a formula are made inert by models/spreadsheet.py, as in every CSV Arauto writes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from models.phones import jid_differs
from models.recipients.campaign_table import RECIPIENT_COLUMNS, variable_names
from models.spreadsheet import BOM, PhoneCell, SheetLocale, csv_text, phone_text
from models.tables import CampaignMessage
from models.timezones import local
from models.variables import decode

BATCH_SIZE = 1000
FIXED_HEADER = (
    "phone", "status", "error", "sent_at", "delivered_at", "read_at", "replied_at", "whatsapp_jid", "jid_differs"
)
TIME_COLUMNS = ("sent_at", "delivered_at", "read_at", "replied_at")


async def _batches(campaign_id: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Rows in id order, BATCH_SIZE at a time, each batch starting after the last id (no OFFSET scans)."""
    last_id = 0
    while True:
        batch = (
            await CampaignMessage.select(CampaignMessage.id, *RECIPIENT_COLUMNS, CampaignMessage.replied_at)
            .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.id > last_id))
            .order_by(CampaignMessage.id)
            .limit(BATCH_SIZE)
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1]["id"]


def report_row(record: dict[str, Any], names: list[str], timezone: str, sheet: SheetLocale) -> list[Any]:
    """One recipient's cells in header order; times stay datetimes (in `timezone`), the CSV writer formats them."""
    variables = decode(names, record["variables"])
    extra = {key: value for key, value in variables.items() if key not in names}
    times = [local(record[key], timezone) for key in TIME_COLUMNS]
    return [
        record["phone"],
        *[variables.get(name, "") for name in names],
        json.dumps(extra, ensure_ascii=False) if extra else "",
        sheet.label(record["status"]),
        record["error"],
        *times,
        record["whatsapp_jid"],
        sheet.label("yes") if jid_differs(record["phone"], record["whatsapp_jid"]) else "",
    ]


def _csv_row(cells: list[Any], sheet: SheetLocale) -> list[Any]:
    phone, *rest = cells
    return [
        PhoneCell(phone_text(phone)),
        *(cell.strftime(sheet.datetime_format) if isinstance(cell, datetime) else cell for cell in rest),
    ]


async def report_rows(campaign_id: int) -> AsyncIterator[tuple[list[str], list[dict[str, Any]]]]:
    """(variable names, batch) in id order; the names are the campaign's own (stored once per campaign)."""
    names = await variable_names(campaign_id)
    async for batch in _batches(campaign_id):
        yield names, batch


async def export_csv(
    campaign_id: int, *, timezone: str = "UTC", sheet: SheetLocale | None = None
) -> AsyncIterator[str]:
    """The report as CSV text chunks (the first starts with the BOM); times in the user's time zone, separators and
    words of the user's spreadsheet (`sheet`)."""
    sheet = sheet or SheetLocale()
    header_sent = False
    async for names, batch in report_rows(campaign_id):
        if not header_sent:
            header_sent = True
            yield BOM + csv_text([report_header(names, sheet)], delimiter=sheet.delimiter)
        rows = (_csv_row(report_row(record, names, timezone, sheet), sheet) for record in batch)
        yield csv_text(rows, delimiter=sheet.delimiter)
    if not header_sent:
        yield BOM + csv_text([report_header([], sheet)], delimiter=sheet.delimiter)


def report_header(names: list[str], sheet: SheetLocale) -> list[str]:
    phone, *rest = FIXED_HEADER
    return [sheet.label(phone), *names, sheet.label("other_variables"), *(sheet.label(key) for key in rest)]

