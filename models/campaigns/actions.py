"""What a user may do to a campaign from the API or a page: the user actions, with start's preconditions."""

from __future__ import annotations

from datetime import datetime

from models.campaigns import lifecycle, progress
from models.errors import IllegalTransition, ValidationFailed
from models.ownership import get_own
from models.tables import Campaign

USER_ACTION_NAMES = sorted(a.value for a in lifecycle.USER_ACTIONS)


def parse_action(raw: str) -> lifecycle.Action:
    """One of start, pause, resume, cancel; anything else is a 400 naming the field."""
    if raw not in USER_ACTION_NAMES:
        raise ValidationFailed({"action": f"Unknown action {raw!r}: use {', '.join(USER_ACTION_NAMES)}."})
    return lifecycle.Action(raw)


async def perform(campaign_id: int, raw_action: str, *, owner_id: int, now: datetime) -> Campaign:
    """Apply a user action to the user's own campaign; a start needs an instance and at least one recipient."""
    action = parse_action(raw_action)
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    if action in (lifecycle.Action.START, lifecycle.Action.RESUME):
        _check_startable(campaign)
    return await lifecycle.apply(campaign_id, action, owner_id=owner_id, now=now)


def _check_startable(campaign: Campaign) -> None:
    if campaign.instance is None:
        raise IllegalTransition("Cannot start a campaign without a WhatsApp instance: choose one first.")
    if campaign.total_recipients <= 0:
        raise IllegalTransition("Cannot start a campaign without recipients: import some first.")


async def own_progress(campaign_id: int, *, owner_id: int, now: datetime) -> progress.Progress:
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    return await progress.compute(campaign, now=now)
