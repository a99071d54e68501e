"""Per-campaign CSV report, streamed in keyset-paginated batches so 100,000 rows never sit in memory.

Excel: UTF-8 with a BOM, one column per variable (the campaign's variable names; "other_variables" holds, as JSON,
names a row stored before names moved to the campaign may carry). Cells a spreadsheet would run
as a formula are made inert by models/spreadsheet.py, as in every CSV Arauto writes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from models.phones import jid_differs
from models.recipients.campaign_table import variable_names
from models.spreadsheet import BOM, csv_text, neutralise
from models.tables import CampaignMessage
from models.timezones import format_local
from models.variables import decode

BATCH_SIZE = 1000
__all__ = ["BOM", "csv_text", "export_csv", "neutralise"]  # BOM, csv_text, neutralise: kept for older imports
FIXED_HEADER = ("phone", "status", "error", "sent_at", "delivered_at", "read_at", "whatsapp_jid", "jid_differs")


async def _batches(campaign_id: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Rows in id order, BATCH_SIZE at a time, each batch starting after the last id (no OFFSET scans)."""
    last_id = 0
    while True:
        batch = (
            await CampaignMessage.select(
                CampaignMessage.id,
                CampaignMessage.phone,
                CampaignMessage.variables,
                CampaignMessage.status,
                CampaignMessage.error,
                CampaignMessage.sent_at,
                CampaignMessage.delivered_at,
                CampaignMessage.read_at,
                CampaignMessage.whatsapp_jid,
            )
            .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.id > last_id))
            .order_by(CampaignMessage.id)
            .limit(BATCH_SIZE)
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1]["id"]


def _row(record: dict[str, Any], names: list[str], timezone: str) -> list[Any]:
    variables = decode(names, record["variables"])
    extra = {key: value for key, value in variables.items() if key not in names}
    times = [format_local(record[key], timezone, "%Y-%m-%d %H:%M:%S") for key in ("sent_at", "delivered_at", "read_at")]
    return [
        record["phone"],
        *[variables.get(name, "") for name in names],
        json.dumps(extra, ensure_ascii=False) if extra else "",
        record["status"],
        record["error"],
        *times,
        record["whatsapp_jid"],
        "yes" if jid_differs(record["phone"], record["whatsapp_jid"]) else "",
    ]


async def export_csv(campaign_id: int, *, timezone: str = "UTC") -> AsyncIterator[str]:
    """The report as CSV text chunks (the first starts with the BOM); times in the user's time zone."""
    names = await variable_names(campaign_id)
    yield BOM + csv_text([_header(names)])
    async for batch in _batches(campaign_id):
        yield csv_text(_row(record, names, timezone) for record in batch)


def _header(names: list[str]) -> list[str]:
    phone, *rest = FIXED_HEADER
    return [phone, *names, "other_variables", *rest]

