"""claim_batch: reserve send slots (campaign rate, instance cap, daily cap) and claim due messages, committed
before any HTTP call. Slots move by compare-and-swap UPDATEs, so they hold across processes and restarts."""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.db import atomic
from models.sending._engine import rows_changed, skip_locked
from models.sending._types import Claimed, Planner, SlotPlan
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance, OptOut

EARLIEST = datetime.min.replace(tzinfo=UTC)
OPTED_OUT = "Opted out: this number asked not to be contacted."
CAMPAIGN_FIELDS = (
    Campaign.id,
    Campaign.owner,
    Campaign.instance,
    Campaign.message,
    Campaign.media_url,
    Campaign.media_type,
    Campaign.media_filename,
    Campaign.rate_limit,
    Campaign.max_retries,
    Campaign.next_send_at,
    Campaign.instance.next_send_at.as_alias("i_next"),
    Campaign.instance.rate_per_minute.as_alias("i_rate"),
    Campaign.instance.jitter_percent.as_alias("i_jitter"),
    Campaign.instance.daily_cap.as_alias("i_cap"),
    Campaign.instance.sent_today.as_alias("i_sent_today"),
    Campaign.instance.sent_day.as_alias("i_sent_day"),
    Campaign.instance.server_url.as_alias("i_url"),
    Campaign.instance.api_key.as_alias("i_key"),
    Campaign.instance.instance_name.as_alias("i_name"),
)


class _SlotTaken(Exception):
    """Another sender moved a slot between our read and our update: roll back and leave it to them."""


def interval_seconds(rate_per_minute: float) -> float:
    """Seconds between two sends at `rate_per_minute`."""
    if rate_per_minute <= 0:
        raise ValueError("a rate must be positive")
    return 60.0 / rate_per_minute


def _running_where(campaign_id: int | None = None) -> Any:
    where: Any = (
        (Campaign.status == CampaignStatus.RUNNING.value)
        & (Campaign.pending_count > 0)
        & Campaign.instance.is_not_null()
    )
    return where if campaign_id is None else where & (Campaign.id == campaign_id)


async def _running_campaigns(now: datetime, horizon: float) -> list[dict[str, Any]]:
    """RUNNING campaigns whose own slot and whose instance's slot are due, oldest campaign slot first (fair)."""
    rows = await Campaign.select(*CAMPAIGN_FIELDS).where(_running_where())
    end = now + timedelta(seconds=horizon)
    due = [r for r in rows if (r["next_send_at"] or EARLIEST) <= end and (r["i_next"] or EARLIEST) <= end]
    return sorted(due, key=lambda r: (r["next_send_at"] or EARLIEST, r["id"]))


def _instance_shares(rows: list[dict[str, Any]], horizon: float) -> dict[int, int]:
    """Per instance: how many messages one campaign may take this pass, so campaigns sharing a number alternate."""
    sharing: dict[int, int] = {}
    caps: dict[int, float] = {}
    for row in rows:
        sharing[row["instance"]] = sharing.get(row["instance"], 0) + 1
        caps[row["instance"]] = interval_seconds(row["i_rate"])
    return {iid: math.ceil((math.floor(horizon / caps[iid]) + 1) / n) for iid, n in sharing.items()}


async def claim_batch(
    *,
    limit: int,
    worker: str,
    now: datetime,
    lease: float = 120.0,
    planner: Planner,
    horizon: float = 0.0,
    rng: random.Random | None = None,
) -> list[Claimed]:
    """Reserve slots and claim up to `limit` due messages (PENDING -> SENDING), each with its send time.

    `horizon` (seconds, kept under half the lease) lets one pass take the slots of the near future; the caller
    waits for each `send_at`. Opted-out numbers met on the way become SKIPPED.
    """
    horizon = max(0.0, min(horizon, lease / 2))
    rows = await _running_campaigns(now, horizon)
    shares = _instance_shares(rows, horizon)
    claimed: list[Claimed] = []
    for row in rows:
        room = min(limit - len(claimed), shares[row["instance"]])
        if room <= 0:
            continue
        try:
            claimed.extend(
                await _claim_campaign(
                    row["id"], room=room, worker=worker, now=now, horizon=horizon, planner=planner, rng=rng
                )
            )
        except _SlotTaken:
            continue
    return claimed


async def _claim_campaign(
    campaign_id: int,
    *,
    room: int,
    worker: str,
    now: datetime,
    horizon: float,
    planner: Planner,
    rng: random.Random | None,
) -> list[Claimed]:
    async with atomic():
        rows = await Campaign.select(*CAMPAIGN_FIELDS).where(_running_where(campaign_id))
        if not rows:
            return []
        row = rows[0]
        today = now.date()
        room = min(room, _daily_room(row, today))
        if room <= 0:
            return []
        messages = await _due_messages(campaign_id, room, now)
        messages = await _skip_opted_out(row, messages, now)
        if not messages:
            return []
        plan = _plan(row, now=now, count=len(messages), horizon=horizon, planner=planner, rng=rng)
        messages = messages[: plan.granted]
        if not messages:
            return []
        await _advance_slots(row, plan, today=today, count=len(messages))
        ids = [m["id"] for m in messages]
        await CampaignMessage.update(
            {
                CampaignMessage.status: MessageStatus.SENDING.value,
                CampaignMessage.claimed_at: now,
                CampaignMessage.claimed_by: worker,
            }
        ).where(CampaignMessage.id.is_in(ids) & (CampaignMessage.status == MessageStatus.PENDING.value))
    return [_claimed(row, m, now, send_at) for m, send_at in zip(messages, plan.send_times, strict=False)]


def _daily_room(row: dict[str, Any], today: date) -> int:
    sent_today = row["i_sent_today"] if row["i_sent_day"] == today else 0
    return max(0, int(row["i_cap"]) - int(sent_today))


async def _due_messages(campaign_id: int, room: int, now: datetime) -> list[dict[str, Any]]:
    due: Any = CampaignMessage.next_attempt_at.is_null() | (CampaignMessage.next_attempt_at <= now)
    query = (
        CampaignMessage.select(
            CampaignMessage.id, CampaignMessage.phone, CampaignMessage.variables, CampaignMessage.attempts
        )
        .where(
            (CampaignMessage.campaign == campaign_id) & (CampaignMessage.status == MessageStatus.PENDING.value) & due
        )
        .order_by(CampaignMessage.id)
        .limit(room)
    )
    return list(await skip_locked(query))


async def _skip_opted_out(row: dict[str, Any], messages: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Numbers on the owner's opt-out list become SKIPPED (counters move in the same transaction)."""
    if not messages:
        return messages
    phones = list({m["phone"] for m in messages})
    opted = {
        r["phone"]
        for r in await OptOut.select(OptOut.phone).where((OptOut.owner == row["owner"]) & OptOut.phone.is_in(phones))
    }
    if not opted:
        return messages
    skip_ids = [m["id"] for m in messages if m["phone"] in opted]
    changed = (
        await CampaignMessage.update(
            {
                CampaignMessage.status: MessageStatus.SKIPPED.value,
                CampaignMessage.error: OPTED_OUT,
                CampaignMessage.failed_at: now,
            }
        )
        .where(CampaignMessage.id.is_in(skip_ids) & (CampaignMessage.status == MessageStatus.PENDING.value))
        .returning(CampaignMessage.id)
    )
    count = rows_changed(changed)
    if count:
        await Campaign.update(
            {
                Campaign.skipped_count: Campaign.skipped_count + count,
                Campaign.pending_count: Campaign.pending_count - count,
            }
        ).where(Campaign.id == row["id"])
    return [m for m in messages if m["phone"] not in opted]


def _plan(
    row: dict[str, Any], *, now: datetime, count: int, horizon: float, planner: Planner, rng: random.Random | None
) -> SlotPlan:
    """One grid that respects both cadences: the slower of the campaign's rate and the instance's cap."""
    interval = max(interval_seconds(row["rate_limit"]), interval_seconds(row["i_rate"]))
    slot = max(row["next_send_at"] or EARLIEST, row["i_next"] or EARLIEST)
    return planner(
        None if slot == EARLIEST else slot,
        now,
        interval=interval,
        limit=count,
        horizon=horizon,
        jitter_percent=row["i_jitter"],
        rng=rng,
    )


async def _advance_slots(row: dict[str, Any], plan: SlotPlan, *, today: date, count: int) -> None:
    """Compare-and-swap both slots (and the daily counter); if either moved meanwhile, give this campaign up."""
    assert plan.next_slot is not None
    interval = max(interval_seconds(row["rate_limit"]), interval_seconds(row["i_rate"]))
    last = plan.next_slot - timedelta(seconds=interval)
    campaign_next = last + timedelta(seconds=interval_seconds(row["rate_limit"]))
    instance_next = last + timedelta(seconds=interval_seconds(row["i_rate"]))
    same_day = row["i_sent_day"] == today
    instance_changes: dict[Any, Any] = {
        Instance.next_send_at: instance_next,
        Instance.sent_today: (Instance.sent_today + count) if same_day else count,
        Instance.sent_day: today,
    }
    moved = (
        await Instance.update(instance_changes)
        .where(
            (Instance.id == row["instance"])
            & _unchanged(Instance.next_send_at, row["i_next"])
            & _unchanged(Instance.sent_day, row["i_sent_day"])
        )
        .returning(Instance.id)
    )
    if not rows_changed(moved):
        raise _SlotTaken
    moved = (
        await Campaign.update({Campaign.next_send_at: campaign_next})
        .where(
            (Campaign.id == row["id"])
            & _unchanged(Campaign.next_send_at, row["next_send_at"])
            & (Campaign.status == CampaignStatus.RUNNING.value)
        )
        .returning(Campaign.id)
    )
    if not rows_changed(moved):
        raise _SlotTaken


def _unchanged(column: Any, value: Any) -> Any:
    return column.is_null() if value is None else column == value


def _claimed(row: dict[str, Any], message: dict[str, Any], now: datetime, send_at: datetime) -> Claimed:
    variables = message["variables"]
    if isinstance(variables, str):
        variables = json.loads(variables or "{}")
    return Claimed(
        message_id=message["id"],
        campaign_id=row["id"],
        owner_id=row["owner"],
        phone=message["phone"],
        variables=dict(variables or {}),
        attempts=message["attempts"],
        max_retries=row["max_retries"],
        text=row["message"],
        media_url=row["media_url"],
        media_type=row["media_type"],
        media_filename=row["media_filename"],
        instance_id=row["instance"],
        server_url=row["i_url"],
        api_key=row["i_key"],
        instance_name=row["i_name"],
        claimed_at=now,
        send_at=send_at,
    )
