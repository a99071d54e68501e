"""What Start will do, said before it is pressed (issue 13, item 7): how many messages will go out, through which
numbers, when it should finish, and the warnings (more than a day, cut short by expiry, beyond the user's
allowance). The confirmation page and the campaign API read it; Start itself stays one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.accounts.allowance import Allowance, allowance
from models.campaigns import lifecycle
from models.campaigns.numbers import numbers_of
from models.contacts import audience
from models.tables import Campaign, Instance


async def will_send(campaign: Campaign) -> int:
    """Before Start, what the audience rule says Start would send now (`willReceive`); after it, what is pending."""
    if lifecycle.can_edit(campaign.status):
        found = await audience.preview(campaign.id, owner_id=campaign.owner, status=campaign.status)
        return found.counts()["willReceive"]
    return int(campaign.pending_count)


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
    will_send: int
    numbers: list[NumberChoice]
    allowance: Allowance


async def start_plan(campaign: Campaign, *, now: datetime) -> StartPlan:
    ids = await numbers_of(campaign)
    rows = {
        int(r["id"]): r
        for r in await Instance.select(Instance.id, Instance.name, Instance.state).where(Instance.id.is_in(ids or [0]))
    }
    numbers = [NumberChoice(str(rows[i]["name"]), str(rows[i]["state"])) for i in ids if i in rows]
    found = await campaign_allowance(campaign, now=now)
    return StartPlan(campaign=campaign, will_send=found.will_send, numbers=numbers, allowance=found)
