"""The one planner of a lane's sends: every limit answers with a `Room` (models/sending/pacing.py), and the claim,
the pre-filter of due lanes and the campaign's waiting state all read the same list (`lane_rooms`).

The limits, in the order the campaign page names them: the send window, expiry, the number's daily cap (its
warm-up cap when lower), the user's daily and monthly limits. The campaign's rate and the number's per-minute cap
are the slot grid (models/sending/slots.py); the frequency cap is per recipient (`frequency_filter`).

What the database holds for them, moved in the claim's transaction: the instance's `sent_today`/`sent_day` and
`warmup_halved_day`, and the owner's user-limit slot (`day_sent`/`day_of`, `month_sent`/`month_of` on the profile),
both by compare-and-swap, so two senders never both take the last unit of a limit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from models.accounts.profile import period_starts, sent_since
from models.instances.daily_cap import cap_day
from models.sending._engine import rows_changed
from models.sending._rows import DueMessage, Owner, SendingCampaign
from models.sending.pacing import (
    FAILURE_WINDOW,
    FREQUENCY_CAPPED_BY,
    OPEN,
    PacingConfig,
    Room,
    cap_room,
    expiry_room,
    frequency_decision,
    should_halve,
    tightest,
    user_limit_rooms,
)
from models.statuses import MessageStatus
from models.tables import CampaignMessage, Instance, UserProfile

PHONES_PER_QUERY = 500  # a bound list of parameters per query (SQLite's limit is far above it)
FINISHED = [MessageStatus.SENT.value, MessageStatus.DELIVERED.value, MessageStatus.READ.value]


class SlotTaken(Exception):
    """Another sender moved a slot between our read and our update: roll back and leave it to them."""


async def swap(update: Any, key: Any) -> None:
    """Run a compare-and-swap UPDATE (its WHERE names the values read); SlotTaken when it matched no row."""
    if not rows_changed(await update.returning(key)):
        raise SlotTaken


def unchanged(column: Any, value: Any) -> Any:
    """The WHERE term of a compare-and-swap: the column still holds what was read (NULL included)."""
    return column.is_null() if value is None else column == value


def lane_rooms(lane: SendingCampaign, now: datetime, config: PacingConfig) -> list[Room]:
    """Every limit on this lane now, in the order the page names them."""
    window = lane.window()
    day, month = _local_period(now, lane.owner.timezone)
    owner = lane.owner
    return [
        window.room(now) if window is not None else OPEN,
        expiry_room(lane.expires_at, now),
        cap_room(lane.cap_today(now, config), lane.sent_on(cap_day(now)), now),
        *user_limit_rooms(
            daily=owner.daily_limit,
            monthly=owner.monthly_limit,
            day_sent=owner.day_sent if owner.day_of == day else 0,
            month_sent=owner.month_sent if owner.month_of == month else 0,
            now=now,
            timezone=owner.timezone,
        ),
    ]


def lane_room(lane: SendingCampaign, now: datetime, config: PacingConfig) -> Room:
    return tightest(lane_rooms(lane, now, config))


def held_until(lane: SendingCampaign, now: datetime, config: PacingConfig) -> Room | None:
    """None when the lane may send now; else the limit that holds it longest and when every blocking limit has
    lifted (None: unknown)."""
    blocking = [room for room in lane_rooms(lane, now, config) if room.blocked]
    if not blocking:
        return None
    if any(room.until is None for room in blocking):
        return next(room for room in blocking if room.until is None)
    return max(blocking, key=lambda room: room.until or now)  # max keeps the first of equal ones


def _local_period(now: datetime, timezone: str) -> tuple[Any, Any]:
    day, month = period_starts(now, timezone)
    return day.date(), month.date()


# --- the user-limit slot -----------------------------------------------------------------------------------------


async def roll_user_slot(lane: SendingCampaign, now: datetime) -> SendingCampaign:
    """A new local day or month starts the slot's count from the sends already recorded in it (a limit set at noon
    counts the morning's sends); compare-and-swap on the stored period, so two senders roll it once."""
    owner = lane.owner
    if not owner.limited:
        return lane
    day_start, month_start = period_starts(now, owner.timezone)
    day, month = day_start.date(), month_start.date()
    if owner.day_of == day and owner.month_of == month:
        return lane
    day_sent = owner.day_sent if owner.day_of == day else await sent_since(owner.id, day_start)
    month_sent = owner.month_sent if owner.month_of == month else await sent_since(owner.id, month_start)
    rolled_over: dict[Any, Any] = {
        UserProfile.day_of: day,
        UserProfile.day_sent: day_sent,
        UserProfile.month_of: month,
        UserProfile.month_sent: month_sent,
    }
    await swap(UserProfile.update(rolled_over).where(_same_period(owner)), UserProfile.id)
    rolled = replace(owner, day_of=day, day_sent=day_sent, month_of=month, month_sent=month_sent)
    return replace(lane, owner=rolled)


async def take_user_slot(owner: Owner, count: int) -> None:
    """Count `count` claimed sends against the owner's limits (compare-and-swap on the counts read)."""
    if not owner.limited or count <= 0:
        return
    counted: dict[Any, Any] = {
        UserProfile.day_sent: owner.day_sent + count,
        UserProfile.month_sent: owner.month_sent + count,
    }
    same_counts = (UserProfile.day_sent == owner.day_sent) & (UserProfile.month_sent == owner.month_sent)
    await swap(UserProfile.update(counted).where(_same_period(owner) & same_counts), UserProfile.id)


def _same_period(owner: Owner) -> Any:
    return (
        (UserProfile.user == owner.id)
        & unchanged(UserProfile.day_of, owner.day_of)
        & unchanged(UserProfile.month_of, owner.month_of)
    )


# --- warm-up -----------------------------------------------------------------------------------------------------


async def halve_if_failing(lane: SendingCampaign, now: datetime, config: PacingConfig) -> SendingCampaign:
    """A number in warm-up whose last sends fail too often gets half its cap for the rest of the cap day."""
    today = cap_day(now)
    if not lane.warmup or lane.warmup_halved_day == today:
        return lane
    rows = (
        await CampaignMessage.select(CampaignMessage.status)
        .where(
            (CampaignMessage.instance_id == lane.instance_id)
            & CampaignMessage.status.is_in([*FINISHED, MessageStatus.FAILED.value])
        )
        .order_by(CampaignMessage.id, ascending=False)
        .limit(FAILURE_WINDOW)
    )
    if not should_halve([row["status"] == MessageStatus.FAILED.value for row in rows], config.failure_percent):
        return lane
    await Instance.update({Instance.warmup_halved_day: today}).where(Instance.id == lane.instance_id)
    return replace(lane, warmup_halved_day=today)


# --- the frequency cap -------------------------------------------------------------------------------------------


async def last_sends(owner_id: int, phones: list[str], since: datetime) -> dict[str, tuple[datetime, int]]:
    """For each number the owner's campaigns sent to (or are sending to) since `since`: when, and which campaign."""
    recent: Any = (CampaignMessage.sent_at >= since) | (
        (CampaignMessage.status == MessageStatus.SENDING.value) & (CampaignMessage.claimed_at >= since)
    )
    found: dict[str, tuple[datetime, int]] = {}
    for start in range(0, len(phones), PHONES_PER_QUERY):
        chunk = phones[start : start + PHONES_PER_QUERY]
        rows = await CampaignMessage.select(
            CampaignMessage.phone, CampaignMessage.campaign, CampaignMessage.sent_at, CampaignMessage.claimed_at
        ).where((CampaignMessage.campaign.owner == owner_id) & CampaignMessage.phone.is_in(chunk) & recent)
        for row in rows:
            at = row["sent_at"] or row["claimed_at"]
            if row["phone"] not in found or at > found[row["phone"]][0]:
                found[row["phone"]] = (at, int(row["campaign"]))
    return found


def capped_reason(campaign_id: int) -> str:
    """ "Messaged too recently (campaign 12)": pages translate it with its number (views/i18n.stored)."""
    return FREQUENCY_CAPPED_BY % {"campaign": campaign_id}


async def frequency_filter(
    lane: SendingCampaign, messages: list[DueMessage], now: datetime
) -> tuple[list[DueMessage], dict[str, list[int]]]:
    """The messages that may go now; the others wait (next_attempt_at = when the cap lapses, no attempt spent) or
    are returned to be skipped, by reason."""
    if lane.frequency_cap_hours is None or not messages:
        return messages, {}
    since = now - timedelta(hours=lane.frequency_cap_hours)
    last = await last_sends(lane.owner_id, [m.phone for m in messages], since)
    keep: list[DueMessage] = []
    skip: dict[str, list[int]] = defaultdict(list)
    for message in messages:
        sent = last.get(message.phone)
        decision = frequency_decision(
            sent[0] if sent else None, cap_hours=lane.frequency_cap_hours, now=now, expires_at=lane.expires_at
        )
        if decision.send or sent is None:
            keep.append(message)
        elif decision.wait_until is not None:
            await CampaignMessage.update(
                {CampaignMessage.next_attempt_at: decision.wait_until, CampaignMessage.error: capped_reason(sent[1])}
            ).where((CampaignMessage.id == message.id) & (CampaignMessage.status == MessageStatus.PENDING.value))
        else:
            skip[capped_reason(sent[1])].append(message.id)
    return keep, dict(skip)
