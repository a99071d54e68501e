"""The number pre-check, as the database sees it: which numbers wait for a check, the per-user results (reused for
RESULT_DAYS), and applying a result to every waiting message of the user. A message of a `precheck` campaign is
unchecked while `whatsapp_jid` is '' and PENDING: the claim does not take it. A failed check records nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.campaigns.numbers import campaign_numbers
from models.db import atomic
from models.instances.address import ADDRESS_COLUMNS, NumberAddress
from models.ownership import get_own
from models.sending._engine import rows_changed
from models.statuses import CampaignStatus, ConnectionState, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance, WhatsappCheck

NOT_ON_WHATSAPP = "Not on WhatsApp"  # the error of every message skipped because the check said so
RESULT_DAYS = 30
BATCH = 50  # numbers per whatsappNumbers call
CHECK_INTERVAL = 3.0  # seconds between two calls on one instance: the check must not look like abuse
MAX_PHONE = 20


@dataclass(frozen=True, slots=True)
class CheckResult:
    phone: str
    on_whatsapp: bool
    jid: str


@dataclass(frozen=True, slots=True)
class CheckBatch:
    """Up to BATCH numbers of one user to ask one instance about now (its check slot is already taken)."""

    owner_id: int
    instance_id: int
    address: NumberAddress
    phones: tuple[str, ...]

    def __repr__(self) -> str:  # the API key never reaches a log line
        return f"CheckBatch(instance_id={self.instance_id}, phones={len(self.phones)})"


def _checking_where() -> Any:
    """Campaigns whose numbers are checked now: RUNNING with the pre-check on, or asked to by "Check numbers"."""
    live: Any = (Campaign.status == CampaignStatus.RUNNING.value) | (Campaign.check_requested == True)  # noqa: E712
    return (Campaign.precheck == True) & Campaign.instance.is_not_null() & live  # noqa: E712


def _unchecked(campaign_id: int) -> Any:
    return (
        (CampaignMessage.campaign == campaign_id)
        & (CampaignMessage.status == MessageStatus.PENDING.value)
        & (CampaignMessage.whatsapp_jid == "")
    )


async def known_results(owner_id: int, phones: list[str], *, now: datetime) -> dict[str, CheckResult]:
    """The user's stored results for `phones` younger than RESULT_DAYS (the one place others read them)."""
    if not phones:
        return {}
    rows = await WhatsappCheck.select(WhatsappCheck.phone, WhatsappCheck.on_whatsapp, WhatsappCheck.jid).where(
        (WhatsappCheck.owner == owner_id)
        & WhatsappCheck.phone.is_in(phones)
        & (WhatsappCheck.checked_at >= now - timedelta(days=RESULT_DAYS))
    )
    return {r["phone"]: CheckResult(r["phone"], bool(r["on_whatsapp"]), r["jid"]) for r in rows}


async def not_on_whatsapp(owner_id: int, phones: list[str], *, now: datetime) -> set[str]:
    """Of `phones`, those a recent check said are not on WhatsApp (the audience's `notOnWhatsapp`)."""
    return {p for p, r in (await known_results(owner_id, phones, now=now)).items() if not r.on_whatsapp}


async def check_batches(*, now: datetime, interval: float = CHECK_INTERVAL) -> list[CheckBatch]:
    """Apply stored results to waiting messages, then take at most one batch per instance whose check slot is free:
    a campaign asks through the first of its numbers that is not known to be down and has its check slot free."""
    rows = await Campaign.select(Campaign.id, Campaign.owner, Campaign.instance).where(_checking_where())
    first = {int(r["id"]): int(r["instance"]) for r in rows}
    numbers = await campaign_numbers(list(first), first)
    wanted = sorted({i for ids in numbers.values() for i in ids})
    fields = (Instance.id, *ADDRESS_COLUMNS, Instance.next_check_at)
    up: Any = Instance.id.is_in(wanted or [0]) & (Instance.state != ConnectionState.CLOSE.value)
    instances = {int(r["id"]): r for r in await Instance.select(*fields).where(up)}
    batches: dict[int, CheckBatch] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        free = [
            i
            for i in numbers.get(int(row["id"]), [])
            if i in instances and i not in batches and (instances[i]["next_check_at"] or now) <= now
        ]
        if not free:
            continue
        number = instances[free[0]]
        phones = await _waiting_phones(int(row["id"]), int(row["owner"]), now=now)
        if not phones:
            await _end_requested_check(int(row["id"]))
        if phones and await _take_check_slot(free[0], number["next_check_at"], now=now, interval=interval):
            batches[free[0]] = CheckBatch(int(row["owner"]), free[0], NumberAddress.of(number), tuple(phones))
    return list(batches.values())


async def _waiting_phones(campaign_id: int, owner_id: int, *, now: datetime) -> list[str]:
    """Up to BATCH unchecked numbers of the campaign that no stored result answers (those it answers are applied)."""
    for _ in range(20):  # bounded: each round applies up to BATCH stored results
        rows = await (
            CampaignMessage.select(CampaignMessage.phone)
            .where(_unchecked(campaign_id))
            .order_by(CampaignMessage.id)
            .limit(BATCH)
        )
        phones = [r["phone"] for r in rows]
        known = await known_results(owner_id, phones, now=now)
        if known:
            await apply_results(owner_id, list(known.values()), now=now, store=False)
        unknown = [p for p in phones if p not in known]
        if unknown or not phones:
            return unknown
    return []


async def _end_requested_check(campaign_id: int) -> None:
    """A "Check numbers" request ends once nothing of the campaign is left unchecked (a later upload may ask again)."""
    if not await CampaignMessage.exists().where(_unchecked(campaign_id)):
        await Campaign.update({Campaign.check_requested: False}).where(
            (Campaign.id == campaign_id) & (Campaign.check_requested == True)  # noqa: E712
        )


async def _take_check_slot(instance_id: int, seen: datetime | None, *, now: datetime, interval: float) -> bool:
    """Compare-and-swap the instance's check slot, so two senders never check through one number at once."""
    same: Any = Instance.next_check_at.is_null() if seen is None else (Instance.next_check_at == seen)
    moved = (
        await Instance.update({Instance.next_check_at: now + timedelta(seconds=interval)})
        .where((Instance.id == instance_id) & same)
        .returning(Instance.id)
    )
    return bool(rows_changed(moved))


async def apply_results(owner_id: int, results: list[CheckResult], *, now: datetime, store: bool = True) -> int:
    """Store the results (unless they came from the store) and apply them to the user's waiting messages:
    on WhatsApp -> the resolved JID; not -> SKIPPED (never sent, never retried). Returns how many were skipped."""
    results = [r for r in results if r.phone and len(r.phone) <= MAX_PHONE]
    if not results:
        return 0
    async with atomic():
        if store:
            await _store(owner_id, results, now=now)
        campaigns = [
            r["id"]
            for r in await Campaign.select(Campaign.id).where(
                (Campaign.owner == owner_id) & (Campaign.precheck == True)  # noqa: E712
            )
        ]
        if not campaigns:
            return 0
        waiting: Any = (
            CampaignMessage.campaign.is_in(campaigns)
            & (CampaignMessage.status == MessageStatus.PENDING.value)
            & (CampaignMessage.whatsapp_jid == "")
        )
        for result in (r for r in results if r.on_whatsapp):
            await CampaignMessage.update({CampaignMessage.whatsapp_jid: result.jid or result.phone}).where(
                waiting & (CampaignMessage.phone == result.phone)
            )
        return await _skip(waiting, [r.phone for r in results if not r.on_whatsapp], now=now)


async def _skip(waiting: Any, phones: list[str], *, now: datetime) -> int:
    if not phones:
        return 0
    changed = (
        await CampaignMessage.update(
            {
                CampaignMessage.status: MessageStatus.SKIPPED.value,
                CampaignMessage.error: NOT_ON_WHATSAPP,
                CampaignMessage.failed_at: now,
            }
        )
        .where(waiting & CampaignMessage.phone.is_in(phones))
        .returning(CampaignMessage.campaign)
    )
    for campaign_id, count in Counter(int(r["campaign"]) for r in changed or []).items():
        await Campaign.update(
            {
                Campaign.skipped_count: Campaign.skipped_count + count,
                Campaign.pending_count: Campaign.pending_count - count,
            }
        ).where(Campaign.id == campaign_id)
    return rows_changed(changed)


async def _store(owner_id: int, results: list[CheckResult], *, now: datetime) -> None:
    """Replace the user's results for these numbers (delete + insert under the unique owner+phone index)."""
    phones = [r.phone for r in results]
    await WhatsappCheck.delete().where((WhatsappCheck.owner == owner_id) & WhatsappCheck.phone.is_in(phones))
    await WhatsappCheck.insert(
        *(
            WhatsappCheck(owner=owner_id, phone=r.phone, on_whatsapp=r.on_whatsapp, jid=r.jid, checked_at=now)
            for r in results
        )
    )


@dataclass(frozen=True, slots=True)
class CheckProgress:
    """The "Check numbers" block: how many numbers wait, how many are checked, and whether checking is under way."""

    campaign_id: int
    precheck: bool
    requested: bool  # asked by "Check numbers", or RUNNING (the sender checks what it is about to send)
    waiting: int
    resolved: int
    not_on_whatsapp: int

    @property
    def is_live(self) -> bool:
        return self.requested and self.waiting > 0

    @property
    def can_request(self) -> bool:
        return not self.requested and self.waiting > 0


async def check_progress(campaign_id: int, *, owner_id: int) -> CheckProgress:
    """The user's campaign's check progress (NotFoundOrNotYours when it is not theirs)."""
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    mine: Any = CampaignMessage.campaign == campaign_id
    waiting = await CampaignMessage.count().where(_unchecked(campaign_id))
    resolved = await CampaignMessage.count().where(mine & (CampaignMessage.whatsapp_jid != ""))
    missing = await CampaignMessage.count().where(mine & (CampaignMessage.error == NOT_ON_WHATSAPP))
    return CheckProgress(
        campaign_id,
        campaign.precheck,
        campaign.check_requested or campaign.status == CampaignStatus.RUNNING.value,
        int(waiting),
        int(resolved),
        int(missing),
    )


async def request_check(campaign_id: int, *, owner_id: int) -> CheckProgress:
    """Asked before Start ("Check numbers"): the pre-check is switched on and the campaign joins the checking now."""
    await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    await Campaign.update({Campaign.check_requested: True, Campaign.precheck: True}).where(
        (Campaign.id == campaign_id) & (Campaign.owner == owner_id)
    )
    return await check_progress(campaign_id, owner_id=owner_id)
