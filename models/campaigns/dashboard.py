"""The dashboard's figures: the original system's statistics, today's sends per instance, campaigns running now.

The statistics are `campaign_queries.stats`, the same figures as GET /api/campaigns/stats ("active" = SCHEDULED,
RUNNING or PAUSED; the delivery rate = delivered / sent over all the user's campaigns). Everything comes from
counters on the rows: nothing counts messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.campaigns.progress import percent_done
from models.campaigns.queries import CampaignStats
from models.campaigns.queries import stats as campaign_stats
from models.instances.daily_cap import cap_day, sends_today
from models.ownership import owned_by
from models.statuses import CampaignStatus
from models.tables import Campaign, Instance


@dataclass(frozen=True)
class InstanceToday:
    id: int
    name: str
    state: str
    sent_today: int
    daily_cap: int
    rate_per_minute: int

    @property
    def percent_of_cap(self) -> float:
        return min(100.0, percent_done(self.daily_cap, self.sent_today))


@dataclass(frozen=True)
class RunningCampaign:
    id: int
    name: str
    total: int
    done: int

    @property
    def percent(self) -> float:
        return percent_done(self.total, self.done)


@dataclass(frozen=True)
class Dashboard:
    stats: CampaignStats
    instances: list[InstanceToday]
    running: list[RunningCampaign]


async def instances_today(owner_id: int, *, now: datetime) -> list[InstanceToday]:
    """Sends today against the daily cap; a counter from an earlier day counts as zero (the sender resets it)."""
    rows = await Instance.objects().where(owned_by(Instance, owner_id)).order_by(Instance.name)
    today = cap_day(now)
    return [
        InstanceToday(
            id=row.id,
            name=row.name,
            state=row.state,
            sent_today=sends_today(row.sent_today, row.sent_day, today=today),
            daily_cap=row.daily_cap,
            rate_per_minute=row.rate_per_minute,
        )
        for row in rows
    ]


async def running_campaigns(owner_id: int) -> list[RunningCampaign]:
    rows = (
        await Campaign.select(
            Campaign.id, Campaign.name, Campaign.total_recipients, Campaign.sent_count,
            Campaign.failed_count, Campaign.skipped_count,
        )
        .where(owned_by(Campaign, owner_id) & (Campaign.status == CampaignStatus.RUNNING.value))
        .order_by(Campaign.started_at)
    )
    return [
        RunningCampaign(
            id=row["id"],
            name=row["name"],
            total=row["total_recipients"],
            done=row["sent_count"] + row["failed_count"] + row["skipped_count"],
        )
        for row in rows
    ]


async def dashboard(owner_id: int, *, now: datetime) -> Dashboard:
    return Dashboard(
        stats=await campaign_stats(owner_id),
        instances=await instances_today(owner_id, now=now),
        running=await running_campaigns(owner_id),
    )
