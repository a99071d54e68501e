"""What a user may do to a campaign from the API or a page: the user actions (start's preconditions live in the
lifecycle transition itself, so the pages, the API and the scheduled sweep are refused the same way)."""

from __future__ import annotations

from datetime import datetime

from models.campaigns import lifecycle, progress
from models.campaigns.history import Who
from models.errors import N_, Message, ValidationFailed
from models.ownership import get_own
from models.tables import Campaign

USER_ACTION_NAMES = sorted(a.value for a in lifecycle.USER_ACTIONS)


def parse_action(raw: str) -> lifecycle.Action:
    """One of start, pause, resume, cancel; anything else is a 400 naming the field."""
    if raw not in USER_ACTION_NAMES:
        raise ValidationFailed(
            {
                "action": Message(
                    N_("Unknown action “%(raw)s”: use %(choices)s."), raw=raw, choices=", ".join(USER_ACTION_NAMES)
                )
            }
        )
    return lifecycle.Action(raw)


async def perform(
    campaign_id: int, raw_action: str, *, owner_id: int, now: datetime, who: Who | None = None
) -> Campaign:
    """Apply a user action to the user's own campaign (another user's is NotFoundOrNotYours)."""
    return await lifecycle.apply(campaign_id, parse_action(raw_action), owner_id=owner_id, now=now, who=who)


async def own_progress(campaign_id: int, *, owner_id: int, now: datetime) -> progress.Progress:
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    return await progress.compute(campaign, now=now)
