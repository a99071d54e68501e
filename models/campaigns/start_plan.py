"""What Start will do, said before it is pressed (issue 13, item 7): how many messages will go out, through which
numbers, when it should finish, and the warnings (more than a day, cut short by expiry, beyond the user's
allowance). The confirmation page and the campaign API read it; Start itself stays one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from models.accounts.allowance import Allowance, allowance
from models.campaigns import lifecycle
from models.campaigns.eta import Forecast
from models.campaigns.eta_inputs import campaign_forecast
from models.campaigns.numbers import numbers_of
from models.contacts import audience
from models.statuses import CampaignStatus
from models.tables import Campaign, Instance

# Whose finish is forecast: a running campaign from now, one not started yet as if it started now (or at its
# schedule); a paused or finished one has none.
_FORECAST = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING})


async def will_send(campaign: Campaign) -> int:
    """Before Start, what the audience rule says Start would send now (`willReceive`); after it, what is pending."""
    if lifecycle.can_edit(campaign.status):
        found = await audience.preview(campaign.id, owner_id=campaign.owner, status=campaign.status)
        return found.counts()["willReceive"]
    return int(campaign.pending_count)


@dataclass(frozen=True)
class Outlook:
    """The campaign's messages against the owner's allowance, and its forecast (None when it has none)."""

    will_send: int
    allowance: Allowance
    forecast: Forecast | None
    starts: datetime

    @property
    def finish(self) -> datetime | None:
        return self.forecast.finish if self.forecast is not None else None

    @property
    def unsent(self) -> int:
        return self.forecast.unsent if self.forecast is not None else 0

    @property
    def more_than_a_day(self) -> bool:
        return self.forecast is not None and self.forecast.more_than_a_day(self.starts)

    def as_json(self) -> dict[str, Any]:
        finish = self.finish
        return {
            **self.allowance.as_json(),
            "estimatedCompletionAt": finish.astimezone(UTC).isoformat() if finish else None,
            "unsentAtExpiry": self.unsent,
        }


async def outlook(campaign: Campaign, *, now: datetime) -> Outlook:
    count = await will_send(campaign)
    fits = await allowance(campaign.owner, count, now=now)
    starts = max(now, campaign.scheduled_for or now) if campaign.status == CampaignStatus.SCHEDULED.value else now
    forecast = None
    if CampaignStatus(campaign.status) in _FORECAST and count > 0:
        forecast = await campaign_forecast(campaign, now=starts, pending=count)
    return Outlook(will_send=count, allowance=fits, forecast=forecast, starts=starts)


async def campaign_allowance(campaign: Campaign, *, now: datetime) -> Allowance:
    """The campaign's messages against what is left of its owner's limits."""
    return await allowance(campaign.owner, await will_send(campaign), now=now)


@dataclass(frozen=True)
class NumberChoice:
    name: str
    state: str


@dataclass(frozen=True)
class StartPlan:
    campaign: Campaign
    numbers: list[NumberChoice]
    outlook: Outlook

    @property
    def will_send(self) -> int:
        return self.outlook.will_send

    @property
    def allowance(self) -> Allowance:
        return self.outlook.allowance


async def start_plan(campaign: Campaign, *, now: datetime) -> StartPlan:
    ids = await numbers_of(campaign)
    rows = {
        int(r["id"]): r
        for r in await Instance.select(Instance.id, Instance.name, Instance.state).where(Instance.id.is_in(ids or [0]))
    }
    numbers = [NumberChoice(str(rows[i]["name"]), str(rows[i]["state"])) for i in ids if i in rows]
    return StartPlan(campaign=campaign, numbers=numbers, outlook=await outlook(campaign, now=now))
