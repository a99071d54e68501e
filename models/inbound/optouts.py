"""Opt-outs: the one rule that records one (`record_opt_out`, for a reply and a manual add alike) and the list
kept by hand (search and pages, add with the phone normalised, remove, CSV export).

Numbers are stored as E.164 digits (no '+'), as recipients are, so every skip check is an equality. Every message
skipped because of an opt-out (import, reply, manual add, the claim's safety net) carries the one text `OPTED_OUT`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import phones
from models.db import atomic
from models.errors import N_, Message, ValidationFailed
from models.inbound import OPTED_OUT
from models.ownership import get_own, owned_by
from models.spreadsheet import BOM, csv_text
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut
from models.timezones import format_local

PAGE_SIZE = 50
EXPORT_BATCH = 1000
RECORD_CHUNK = 1000  # numbers per statement: 5 values each, far under PostgreSQL's 32,767 bind parameters


@dataclass(frozen=True)
class OptOutPage:
    rows: list[OptOut]
    page: int
    pages: int
    total: int
    search: str


def normalise_phone(raw: str, region: str) -> str:
    """E.164 digits (models/phones.py, the same rules as the recipients import), or ValidationFailed on `phone`."""
    if not raw.strip():
        raise ValidationFailed({"phone": N_("Enter a phone number.")})
    try:
        return phones.normalise(raw, region)
    except phones.PhoneError as error:
        raise ValidationFailed(
            {"phone": Message(N_("“%(value)s”: %(reason)s."), value=raw.strip(), reason=error.reason)}
        ) from None


def _where(owner_id: int, search: str) -> Any:
    where: Any = owned_by(OptOut, owner_id)
    digits = "".join(ch for ch in search if ch.isdigit())
    if digits:
        where &= OptOut.phone.like(f"%{digits}%")
    return where


async def opt_out_page(owner_id: int, *, search: str = "", page: int = 1) -> OptOutPage:
    where = _where(owner_id, search)
    total = int(await OptOut.count().where(where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (
        await OptOut.objects()
        .where(where)
        .order_by(OptOut.created_at, ascending=False)
        .order_by(OptOut.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return OptOutPage(rows=list(rows), page=page, pages=pages, total=total, search=search)


@dataclass(frozen=True)
class OptOutRecorded:
    """What `record_opt_out` did: how many numbers are new on the list, and how many messages it skipped."""

    created: int
    skipped: int


async def record_opt_out(
    owner_id: int, phone: str | Sequence[str], *, source: str, note: str = "", now: datetime
) -> OptOutRecorded:
    """Put `phone` (E.164 digits; or many, from an import) on the owner's list once and, in the same transaction,
    skip its PENDING messages in every campaign of the owner, so no caller leaves them for the claimer; counters
    move atomically. Many numbers go in chunks, all in the one transaction: all of them or none."""
    phones = [phone] if isinstance(phone, str) else list(dict.fromkeys(phone))
    created, skipped = 0, Counter[int]()
    owned_campaigns = Campaign.select(Campaign.id).where(Campaign.owner == owner_id)
    async with atomic():
        for start in range(0, len(phones), RECORD_CHUNK):
            chunk = phones[start : start + RECORD_CHUNK]
            rows = [OptOut(owner=owner_id, phone=p, source=source, note=note[:500], created_at=now) for p in chunk]
            inserted = (
                await OptOut.insert(*rows)
                .on_conflict(target=(OptOut.owner, OptOut.phone), action="DO NOTHING")
                .returning(OptOut.id)
            )
            created += len(inserted)
            touched = (
                await CampaignMessage.update(
                    {CampaignMessage.status: MessageStatus.SKIPPED.value, CampaignMessage.error: OPTED_OUT}
                )
                .where(
                    CampaignMessage.phone.is_in(chunk)
                    & (CampaignMessage.status == MessageStatus.PENDING.value)
                    & CampaignMessage.campaign.is_in(owned_campaigns)
                )
                .returning(CampaignMessage.campaign)
            )
            skipped.update(row["campaign"] for row in touched)
        for campaign_id, count in skipped.items():
            await Campaign.update(
                {
                    Campaign.pending_count: Campaign.pending_count - count,
                    Campaign.skipped_count: Campaign.skipped_count + count,
                }
            ).where(Campaign.id == campaign_id)
    return OptOutRecorded(created=created, skipped=skipped.total())


async def add_opt_out(owner_id: int, raw_phone: str, *, region: str, note: str = "", now: datetime) -> OptOut:
    """Record a number by hand (page and API); a number already opted out is refused with that reason."""
    phone = normalise_phone(raw_phone, region)
    recorded = await record_opt_out(owner_id, phone, source="manual", note=note.strip(), now=now)
    if not recorded.created:
        raise ValidationFailed({"phone": Message(N_("+%(phone)s is already on the opt-out list."), phone=phone)})
    row = await OptOut.objects().where(owned_by(OptOut, owner_id) & (OptOut.phone == phone)).first()
    assert row is not None  # just inserted in a committed transaction; deleting it needs the owner's request
    return row


async def remove_opt_out(owner_id: int, opt_out_id: int) -> str:
    """Delete the owner's opt-out (NotFoundOrNotYours otherwise); returns the phone for the message."""
    row = await get_own(OptOut, opt_out_id, owner_id, "Opt-out")
    await OptOut.delete().where(OptOut.id == row.id)
    return row.phone


async def export_opt_outs(owner_id: int, *, timezone: str = "UTC") -> AsyncIterator[str]:
    """The list as CSV (BOM, neutralised cells), read in keyset batches."""
    yield BOM + csv_text([["phone", "source", "note", "created_at"]])
    last_id = 0
    while True:
        batch = (
            await OptOut.objects()
            .where(owned_by(OptOut, owner_id) & (OptOut.id > last_id))
            .order_by(OptOut.id)
            .limit(EXPORT_BATCH)
        )
        if not batch:
            return
        yield csv_text([row.phone, row.source, row.note, format_local(row.created_at, timezone, "%Y-%m-%d %H:%M:%S")]
                       for row in batch)
        last_id = batch[-1].id
