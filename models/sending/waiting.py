"""Why a RUNNING campaign cannot send now, and until when (`waitingReason`, `waitingUntil`): the same rooms the
claim takes (models/sending/_limits.py), so the page never says something the sender does not do. Also the live
campaigns whose expiry has come (the sender's expiry sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models.sending._lanes import lanes
from models.sending._limits import held_until
from models.sending.pacing import FREQUENCY_CAPPED, PacingConfig, Reason
from models.statuses import LIVE_CAMPAIGN_STATUSES, CampaignStatus, ConnectionState, MessageStatus
from models.tables import Campaign, CampaignMessage


@dataclass(frozen=True, slots=True)
class Waiting:
    """`reason` (a pacing.Reason) is None while the campaign sends (or is not RUNNING); `until` None: unknown."""

    reason: str | None = None
    until: datetime | None = None
    checked_at: datetime | None = None  # when it was worked out (pages write a near `until` as a weekday)

    def as_json(self) -> dict[str, Any]:
        until = self.until.astimezone(UTC).isoformat() if self.until else None
        return {"waitingReason": self.reason, "waitingUntil": until}


SENDING = Waiting()


async def waiting(campaign_id: int, *, now: datetime, config: PacingConfig) -> Waiting:
    """The limit that holds the campaign now and when it lets go: every one of its numbers is held (the window,
    expiry, a daily or warm-up cap, the user's limits), or every number is down, or every recipient left waits for
    the frequency cap. The earliest of its numbers to be free again gives the time."""
    where: Any = (
        (Campaign.id == campaign_id)
        & (Campaign.status == CampaignStatus.RUNNING.value)
        & (Campaign.pending_count > 0)
        & Campaign.instance.is_not_null()
    )
    found = await lanes(where)
    if not found:
        return SENDING
    if all(lane.instance_state == ConnectionState.CLOSE.value for lane in found):
        return Waiting(Reason.NUMBERS_DOWN.value, None, now)
    held = [held_until(lane, now, config) for lane in found]
    if all(room is not None for room in held):
        rooms = [room for room in held if room is not None]
        known = [room for room in rooms if room.until is not None]
        first = min(known, key=lambda room: room.until or now) if known else rooms[0]
        return Waiting(first.reason, first.until, now)
    return await _frequency_waiting(campaign_id, now)


async def _frequency_waiting(campaign_id: int, now: datetime) -> Waiting:
    """Every PENDING recipient waits for the frequency cap to lapse: until the first of them may go."""
    pending: Any = (CampaignMessage.campaign == campaign_id) & (CampaignMessage.status == MessageStatus.PENDING.value)
    due = pending & (CampaignMessage.next_attempt_at.is_null() | (CampaignMessage.next_attempt_at <= now))
    if await CampaignMessage.exists().where(due):
        return SENDING
    first = (
        await CampaignMessage.select(CampaignMessage.next_attempt_at, CampaignMessage.error)
        .where(pending)
        .order_by(CampaignMessage.next_attempt_at)
        .first()
    )
    if first is None or not str(first["error"]).startswith(FREQUENCY_CAPPED):
        return SENDING  # a retry's backoff: seconds, not a wait worth naming
    return Waiting(Reason.FREQUENCY_CAP.value, first["next_attempt_at"], now)


async def expired_campaigns(now: datetime) -> list[int]:
    """Live campaigns (scheduled, running, paused) whose expiry has come."""
    rows = await Campaign.select(Campaign.id).where(
        Campaign.status.is_in([s.value for s in LIVE_CAMPAIGN_STATUSES])
        & Campaign.expires_at.is_not_null()
        & (Campaign.expires_at <= now)
    )
    return [int(row["id"]) for row in rows]
