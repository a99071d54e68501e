"""What the campaign page shows about its numbers: each one's sends, failures and state, and their recent
outages (time, what happened, why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from piccolo.query.functions.aggregate import Count

from models.campaigns.numbers import numbers_of
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage, Instance, NumberEvent

SENT = {MessageStatus.SENT.value, MessageStatus.DELIVERED.value, MessageStatus.READ.value}
RECENT_EVENTS = 20


@dataclass(frozen=True, slots=True)
class NumberRow:
    instance_id: int
    name: str
    state: str
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class NumberEventRow:
    at: datetime
    name: str
    event: str  # down, up, paused, resumed
    reason: str


@dataclass(frozen=True, slots=True)
class NumbersView:
    campaign_id: int
    numbers: list[NumberRow]
    events: list[NumberEventRow]


async def numbers_view(campaign: Campaign) -> NumbersView:
    """The campaign's numbers in order with their figures, and the latest events first."""
    ids = await numbers_of(campaign)
    names = {
        int(r["id"]): r
        for r in await Instance.select(Instance.id, Instance.name, Instance.state).where(Instance.id.is_in(ids or [0]))
    }
    counts = await (
        CampaignMessage.select(CampaignMessage.instance_id, CampaignMessage.status, Count(alias="n"))
        .where((CampaignMessage.campaign == campaign.id) & CampaignMessage.instance_id.is_not_null())
        .group_by(CampaignMessage.instance_id, CampaignMessage.status)
    )
    sent: dict[int, int] = {}
    failed: dict[int, int] = {}
    for row in counts:
        target = sent if row["status"] in SENT else failed if row["status"] == MessageStatus.FAILED.value else None
        if target is not None:
            target[int(row["instance_id"])] = target.get(int(row["instance_id"]), 0) + int(row["n"])
    rows = [
        NumberRow(i, names[i]["name"], names[i]["state"], sent.get(i, 0), failed.get(i, 0)) for i in ids if i in names
    ]
    events = await (
        NumberEvent.select(
            NumberEvent.at, NumberEvent.instance.name.as_alias("name"), NumberEvent.event, NumberEvent.reason
        )
        .where(NumberEvent.campaign == campaign.id)
        .order_by(NumberEvent.id, ascending=False)
        .limit(RECENT_EVENTS)
    )
    return NumbersView(
        campaign.id, rows, [NumberEventRow(e["at"], e["name"] or "", e["event"], e["reason"]) for e in events]
    )
