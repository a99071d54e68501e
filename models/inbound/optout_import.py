"""Opt-outs from a CSV or XLSX: the recipients import's reading, mapping, phone screening and per-row report, then
every new number recorded by `optouts.record_opt_out` (so its pending messages are skipped) in one transaction.

Nothing is written until the whole file has been read and screened: a file refused on its 90,000th row leaves the
list as it was. Numbers already on the list are reported as such (kind `optedOut`) and left as they are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from models.errors import N_, ImportRejected, Message, ValidationFailed
from models.inbound.optouts import record_opt_out
from models.ownership import owned_by
from models.phones import is_known_region, unknown_region
from models.recipients import CsvSource, ImportOptions, ImportReport, current_pool
from models.recipients._importing import screen_source
from models.recipients._screening import Screener
from models.recipients._store import opted_out_phones
from models.tables import OptOut
from settings import Settings

IMPORT_SOURCE = "import"  # OptOut.source of a number that came from a file


async def import_opt_outs(
    source: CsvSource, options: ImportOptions, *, owner_id: int, settings: Settings, now: datetime
) -> ImportReport:
    """Screen the file's phone column, then record every new number; the report's `totalRecipients` is the size of
    the opt-out list afterwards. ImportRejected (nothing written) when no row holds a new number."""
    region = options.default_region or settings.default_region
    if not is_known_region(region):
        raise ValidationFailed({"defaultRegion": unknown_region(region)})
    screener = Screener(region=region, limit=settings.max_recipients, opted_out=await opted_out_phones(owner_id))
    only_phones = replace(options, variable_columns=[])  # an opt-out keeps the number and nothing else
    await screen_source(source, only_phones, screener, max_bytes=settings.max_upload_bytes, pool=current_pool())
    accepted = screener.accepted
    new = [phone for phone, known in zip(accepted.phones, accepted.opted_out, strict=True) if not known]
    report = ImportReport(imported=len(new), skipped=screener.skipped)
    if not new:
        raise ImportRejected(_nothing_new(report))
    await record_opt_out(owner_id, new, source=IMPORT_SOURCE, now=now)
    report.total_recipients = int(await OptOut.count().where(owned_by(OptOut, owner_id)))
    return report


def _nothing_new(report: ImportReport) -> Message:
    return report.nothing_added(
        N_("No number to add: the file has no rows."),
        N_(
            "No number to add (%(invalid)s invalid, %(duplicate)s repeated, %(known)s already on the list). "
            "First problem: row %(row)s: %(reason)s."
        ),
    )
