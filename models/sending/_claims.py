"""claim_batch: reserve send slots and claim due messages, committed before any HTTP call. Slots move by
compare-and-swap UPDATEs, so they hold across processes and restarts.

Every limit is planned in one place (models/sending/_limits.py): the window, expiry, the number's daily cap and
warm-up, the user's daily and monthly limits each give a room (how many may go now, and until when they may be
due); the claim takes the tightest, and the slot grid (rate, the number's per-minute cap) places the sends inside
it. The frequency cap then decides per recipient: send, wait, or skip.

A campaign on several numbers is claimed lane by lane (models/sending/_lanes.py): every lane moves the campaign's
one slot and its own number's slot, so the campaign's rate holds overall and each number's cap holds across all the
campaigns on it. A message takes the number of the lane that claims it first and keeps it for its retries."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.db import atomic
from models.inbound import OPTED_OUT
from models.instances.daily_cap import cap_day
from models.sending._engine import rows_changed, skip_locked
from models.sending._lanes import lanes
from models.sending._limits import (
    SlotTaken,
    frequency_filter,
    halve_if_failing,
    lane_room,
    roll_user_slot,
    swap,
    take_user_slot,
    unchanged,
)
from models.sending._rows import MESSAGE_FIELDS, DueMessage, SendingCampaign
from models.sending._types import Claimed
from models.sending.pacing import PacingConfig
from models.sending.slots import SlotPlan, interval_seconds, plan_slots
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance, OptOut
from models.variables import decode

EARLIEST = datetime.min.replace(tzinfo=UTC)


def _running_where(campaign_id: int | None = None) -> Any:
    where: Any = (
        (Campaign.status == CampaignStatus.RUNNING.value)
        & (Campaign.pending_count > 0)
        & Campaign.instance.is_not_null()
    )
    return where if campaign_id is None else where & (Campaign.id == campaign_id)


async def _running_campaigns(now: datetime, horizon: float, config: PacingConfig) -> list[SendingCampaign]:
    """Lanes of RUNNING campaigns whose campaign slot and number slot are due and that no limit holds now."""
    rows = await lanes(_running_where())
    end = now + timedelta(seconds=horizon)
    due = [
        r
        for r in rows
        if (r.next_send_at or EARLIEST) <= end
        and (r.instance_next_send_at or EARLIEST) <= end
        and not lane_room(r, now, config).blocked
    ]
    # Oldest campaign slot first (fair across campaigns); within a campaign, the number whose slot is oldest first,
    # so its sends rotate across its numbers (ties keep the campaign's order of numbers: the sort is stable).
    return sorted(due, key=lambda r: (r.next_send_at or EARLIEST, r.id, r.instance_next_send_at or EARLIEST))


def _instance_shares(rows: list[SendingCampaign], horizon: float) -> dict[int, int]:
    """Per instance: how many messages one campaign may take this pass, so campaigns sharing a number alternate."""
    sharing: dict[int, int] = {}
    caps: dict[int, float] = {}
    for row in rows:
        sharing[row.instance_id] = sharing.get(row.instance_id, 0) + 1
        caps[row.instance_id] = interval_seconds(row.instance_rate)
    return {iid: math.ceil((math.floor(horizon / caps[iid]) + 1) / n) for iid, n in sharing.items()}


async def claim_batch(
    *,
    limit: int,
    worker: str,
    now: datetime,
    lease: float = 120.0,
    horizon: float = 0.0,
    rng: random.Random | None = None,
    config: PacingConfig | None = None,
) -> list[Claimed]:
    """Reserve slots and claim up to `limit` due messages (PENDING -> SENDING), each with its send time.

    `horizon` (seconds, kept under half the lease) lets one pass take the slots of the near future; the caller
    waits for each `send_at`. Opted-out numbers met on the way become SKIPPED, numbers under the frequency cap wait
    or are SKIPPED.
    """
    config = config or PacingConfig()
    horizon = max(0.0, min(horizon, lease / 2))
    rows = await _running_campaigns(now, horizon, config)
    shares = _instance_shares(rows, horizon)
    claimed: list[Claimed] = []
    for row in rows:
        room = min(limit - len(claimed), shares[row.instance_id])
        if room <= 0:
            continue
        try:
            claimed.extend(
                await _claim_campaign(
                    row.id,
                    row.instance_id,
                    room=room,
                    worker=worker,
                    now=now,
                    horizon=horizon,
                    rng=rng,
                    config=config,
                )
            )
        except SlotTaken:
            continue
    return claimed


async def _claim_campaign(
    campaign_id: int,
    instance_id: int,
    *,
    room: int,
    worker: str,
    now: datetime,
    horizon: float,
    rng: random.Random | None,
    config: PacingConfig,
) -> list[Claimed]:
    async with atomic():
        row = next((lane for lane in await lanes(_running_where(campaign_id)) if lane.instance_id == instance_id), None)
        if row is None:
            return []
        row = await halve_if_failing(await roll_user_slot(row, now), now, config)
        limit = lane_room(row, now, config)
        if limit.blocked:
            return []
        room = room if limit.count is None else min(room, limit.count)
        messages = await _due_messages(row, room, now)
        messages = await _skip_opted_out(row, messages, now)
        messages, capped = await frequency_filter(row, messages, now)
        for reason, ids in capped.items():
            await _skip(row, ids, reason, now)
        if not messages:
            return []
        plan = _plan(row, now=now, count=len(messages), horizon=horizon, rng=rng, until=limit.ends)
        messages = messages[: plan.granted]
        if not messages:
            return []
        await _advance_slots(row, plan, today=cap_day(now), count=len(messages))
        await take_user_slot(row.owner, len(messages))
        ids = [m.id for m in messages]
        await CampaignMessage.update(
            {
                CampaignMessage.status: MessageStatus.SENDING.value,
                CampaignMessage.claimed_at: now,
                CampaignMessage.claimed_by: worker,
                CampaignMessage.instance_id: row.instance_id,
            }
        ).where(CampaignMessage.id.is_in(ids) & (CampaignMessage.status == MessageStatus.PENDING.value))
    return [_claimed(row, m, now, send_at) for m, send_at in zip(messages, plan.send_times, strict=False)]


async def _due_messages(row: SendingCampaign, room: int, now: datetime) -> list[DueMessage]:
    """PENDING and due, not kept by another of the campaign's numbers; with the pre-check on, only numbers it
    resolved (unchecked ones wait for their check)."""
    due: Any = CampaignMessage.next_attempt_at.is_null() | (CampaignMessage.next_attempt_at <= now)
    due &= CampaignMessage.instance_id.is_null() | (CampaignMessage.instance_id == row.instance_id)
    if row.precheck:
        due &= CampaignMessage.whatsapp_jid != ""
    query = (
        CampaignMessage.select(*MESSAGE_FIELDS)
        .where((CampaignMessage.campaign == row.id) & (CampaignMessage.status == MessageStatus.PENDING.value) & due)
        .order_by(CampaignMessage.id)
        .limit(room)
    )
    return [DueMessage.decode(row) for row in await skip_locked(query)]


async def _skip_opted_out(row: SendingCampaign, messages: list[DueMessage], now: datetime) -> list[DueMessage]:
    """Numbers on the owner's opt-out list become SKIPPED (counters move in the same transaction)."""
    if not messages:
        return messages
    phones = list({m.phone for m in messages})
    opted = {
        r["phone"]
        for r in await OptOut.select(OptOut.phone).where((OptOut.owner == row.owner_id) & OptOut.phone.is_in(phones))
    }
    if not opted:
        return messages
    await _skip(row, [m.id for m in messages if m.phone in opted], OPTED_OUT, now)
    return [m for m in messages if m.phone not in opted]


async def _skip(row: SendingCampaign, ids: list[int], reason: str, now: datetime) -> None:
    """PENDING messages become SKIPPED with `reason`; the campaign's counters move in the same transaction."""
    if not ids:
        return
    changed = (
        await CampaignMessage.update(
            {
                CampaignMessage.status: MessageStatus.SKIPPED.value,
                CampaignMessage.error: reason,
                CampaignMessage.failed_at: now,
            }
        )
        .where(CampaignMessage.id.is_in(ids) & (CampaignMessage.status == MessageStatus.PENDING.value))
        .returning(CampaignMessage.id)
    )
    count = rows_changed(changed)
    if count:
        await Campaign.update(
            {
                Campaign.skipped_count: Campaign.skipped_count + count,
                Campaign.pending_count: Campaign.pending_count - count,
            }
        ).where(Campaign.id == row.id)


def _plan(
    row: SendingCampaign,
    *,
    now: datetime,
    count: int,
    horizon: float,
    rng: random.Random | None,
    until: datetime | None,
) -> SlotPlan:
    """One grid that respects both cadences: the slower of the campaign's rate and the instance's cap; every send
    due before `until` (the window's close, the expiry)."""
    interval = max(interval_seconds(row.rate_limit), interval_seconds(row.instance_rate))
    slot = max(row.next_send_at or EARLIEST, row.instance_next_send_at or EARLIEST)
    return plan_slots(
        None if slot == EARLIEST else slot,
        now,
        interval=interval,
        limit=count,
        horizon=horizon,
        jitter_percent=row.jitter_percent,
        rng=rng,
        until=until,
    )


async def _advance_slots(row: SendingCampaign, plan: SlotPlan, *, today: date, count: int) -> None:
    """Compare-and-swap both slots (and the daily counter); if either moved meanwhile, give this campaign up."""
    assert plan.next_slot is not None
    interval = max(interval_seconds(row.rate_limit), interval_seconds(row.instance_rate))
    last = plan.next_slot - timedelta(seconds=interval)
    campaign_next = last + timedelta(seconds=interval_seconds(row.rate_limit))
    instance_next = last + timedelta(seconds=interval_seconds(row.instance_rate))
    same_day = row.sent_day == today
    instance_changes: dict[Any, Any] = {
        Instance.next_send_at: instance_next,
        Instance.sent_today: (Instance.sent_today + count) if same_day else count,
        Instance.sent_day: today,
    }
    same_instance_slot = (
        (Instance.id == row.instance_id)
        & unchanged(Instance.next_send_at, row.instance_next_send_at)
        & unchanged(Instance.sent_day, row.sent_day)
    )
    await swap(Instance.update(instance_changes).where(same_instance_slot), Instance.id)
    same_campaign_slot = (
        (Campaign.id == row.id)
        & unchanged(Campaign.next_send_at, row.next_send_at)
        & (Campaign.status == CampaignStatus.RUNNING.value)
    )
    await swap(Campaign.update({Campaign.next_send_at: campaign_next}).where(same_campaign_slot), Campaign.id)


def _claimed(row: SendingCampaign, message: DueMessage, now: datetime, send_at: datetime) -> Claimed:
    return Claimed(
        message_id=message.id,
        campaign_id=row.id,
        owner_id=row.owner_id,
        phone=message.phone,
        variables=decode(row.variable_names, message.stored_variables),
        attempts=message.attempts,
        max_retries=row.max_retries,
        text=row.message,
        media=row.media,
        instance_id=row.instance_id,
        address=row.address,
        claimed_at=now,
        send_at=send_at,
        whatsapp_jid=message.whatsapp_jid,
    )
