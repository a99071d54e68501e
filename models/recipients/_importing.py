"""The two ways recipients enter a campaign (a CSV file, or a list in an API call), sharing one pipeline."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from datetime import datetime
from typing import Any

from models.campaigns.rules import NUL_REFUSAL
from models.errors import N_, ImportRejected, Message, ValidationFailed
from models.phones import is_known_region, unknown_region
from models.recipients._csv import CsvSource, open_source
from models.recipients._mapping import ImportOptions, RecipientRows, RecordChunk, check_records
from models.recipients._pool import Task, current_pool, default_workers, run_in_order
from models.recipients._report import ImportReport
from models.recipients._screening import Checked, RawRecipient, Screener
from models.recipients._store import editable_campaign, existing_phones, opted_out_phones, store
from models.variables import OBJECT_OF_NAMES, Layout, NameTable, name_problem, parse_names
from settings import Settings

# Rows screened per chunk (per trip to a worker process): ~20 ms of a worker's CPU. Small enough that unpickling
# one chunk's results (one C call holding the GIL, ~2 us a row) never holds the event loop for long.
SCREEN_CHUNK = 2_000


async def import_csv(
    campaign_id: int,
    source: CsvSource,
    options: ImportOptions,
    *,
    owner_id: int,
    settings: Settings,
    now: datetime,
    executor: Executor | None = None,
) -> ImportReport:
    """Read, screen and store a CSV's recipients; ImportRejected (nothing written) when the file cannot go in.

    A file of more than one chunk is checked in `executor` (default: the app's pool, `current_pool()`), chunk
    by chunk on every core, while this thread reads ahead and absorbs the results in file order.
    """
    screener = await _screener(
        campaign_id, owner_id, options.default_region or settings.default_region, settings.max_recipients
    )
    pool = executor or current_pool()
    await screen_source(source, options, screener, max_bytes=settings.max_upload_bytes, pool=pool)
    return await _finish(campaign_id, owner_id, screener, now)


async def screen_source(
    source: CsvSource, options: ImportOptions, screener: Screener, *, max_bytes: int, pool: Executor | None = None
) -> None:
    """Read a CSV or XLSX through its mapping and screen every row, in a worker thread (lists import this way too)."""

    def screen_file() -> None:
        with open_source(source, max_bytes) as stream:
            rows = RecipientRows(stream, options, max_bytes)
            layout = screener.lay_out([name for _, name in rows.column_map.variables])
            first = rows.next_records(SCREEN_CHUNK)
            tasks = _record_tasks(rows, first, screener.region, layout)
            if pool is None or len(first) < SCREEN_CHUNK:  # one chunk: a trip to a process costs more than it saves
                for function, args in tasks:
                    screener.absorb(function(*args))
            else:
                run_in_order(pool, tasks, screener.absorb, depth=2 * default_workers())

    await asyncio.to_thread(screen_file)


def _record_tasks(
    rows: RecipientRows, first: RecordChunk, region: str, layout: Layout
) -> Iterator[Task[list[Checked]]]:
    """`check_records` over the file, chunk by chunk, starting with the chunk already read."""
    chunk = first
    while chunk:
        yield check_records, (region, rows.column_map, chunk, layout)
        chunk = rows.next_records(SCREEN_CHUNK)


async def import_inline(
    campaign_id: int,
    recipients: Sequence[Mapping[str, Any]],
    *,
    owner_id: int,
    default_region: str,
    max_recipients: int,
    now: datetime,
) -> ImportReport:
    """Recipients given as [{"phone", "variables"}] (row = position, from 1), through the same screening as a CSV."""
    rows = [_inline_row(index, item) for index, item in enumerate(recipients, start=1)]
    screener = await _screener(campaign_id, owner_id, default_region, max_recipients)
    for start in range(0, len(rows), SCREEN_CHUNK):
        await asyncio.to_thread(screener.screen, rows[start : start + SCREEN_CHUNK])
    return await _finish(campaign_id, owner_id, screener, now)


def _inline_row(index: int, item: Mapping[str, Any]) -> RawRecipient:
    field = f"recipients[{index - 1}]"
    if not isinstance(item, Mapping):
        raise ValidationFailed({field: N_("must be an object with phone and variables")})
    phone, variables = item.get("phone"), item.get("variables") or {}
    if not isinstance(phone, (str, int)) or isinstance(phone, bool):
        raise ValidationFailed({f"{field}.phone": N_("must be a string")})
    if not isinstance(variables, Mapping):
        raise ValidationFailed({f"{field}.variables": OBJECT_OF_NAMES})
    texts = {str(k): _text(v) for k, v in variables.items()}
    if "\x00" in str(phone):
        raise ValidationFailed({f"{field}.phone": NUL_REFUSAL})
    if any("\x00" in name or "\x00" in value for name, value in texts.items()):
        raise ValidationFailed({f"{field}.variables": NUL_REFUSAL})
    for name in texts:
        if problem := name_problem(name):
            raise ValidationFailed({f"{field}.variables": problem})
    return RawRecipient(index, str(phone), texts)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


async def _screener(campaign_id: int, owner_id: int, region: str, limit: int) -> Screener:
    if not is_known_region(region):
        raise ValidationFailed({"defaultRegion": unknown_region(region)})
    campaign = await editable_campaign(campaign_id, owner_id)
    existing = await existing_phones(campaign_id)
    opted_out = await opted_out_phones(owner_id)
    names = NameTable(parse_names(campaign.variable_names))
    return Screener(
        region=region, limit=limit, existing_count=len(existing), existing=existing, opted_out=opted_out, names=names
    )


async def _finish(campaign_id: int, owner_id: int, screener: Screener, now: datetime) -> ImportReport:
    imported = len(screener.accepted) - screener.accepted.opted_out_count
    report = ImportReport(imported=imported, skipped=screener.skipped)
    if report.imported == 0:
        raise ImportRejected(nothing_to_import(report))
    report.total_recipients = await store(
        campaign_id, owner_id, screener.accepted, names=screener.names, limit=screener.limit, now=now
    )
    return report


def nothing_to_import(report: ImportReport) -> Message:
    return report.nothing_added(
        N_("No valid recipient to import: the file has no rows."),
        N_(
            "No valid recipient to import (%(invalid)s invalid, %(duplicate)s duplicates, %(opted_out)s opted out). "
            "First problem: row %(row)s: %(reason)s."
        ),
    )
