"""A campaign's progress: percent, counters (from the campaign row), current rate and ETA.

The counters are read from the campaign row, never counted per request; the current rate is one indexed range
query over the last five minutes of sends (at most 5 x rate rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.instances.daily_cap import cap_day, sends_today
from models.statuses import CampaignStatus, ConnectionState
from models.tables import Campaign, CampaignMessage, Instance

RATE_WINDOW = timedelta(minutes=5)
LIVE_STATUSES = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED})


@dataclass(frozen=True)
class Progress:
    campaign_id: int
    status: str
    total: int
    pending: int
    sent: int
    delivered: int
    read: int
    failed: int
    skipped: int
    percent: float
    current_rate: float  # messages per minute over the last 5 minutes
    effective_rate: float  # messages per minute the sender can go at now (campaign rate, instance share, cap)
    eta_seconds: int | None
    pause_reason: str

    @property
    def is_live(self) -> bool:
        """While true, the page's progress block keeps polling."""
        return CampaignStatus(self.status) in LIVE_STATUSES

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    def as_json(self) -> dict[str, Any]:
        return {
            "campaignId": self.campaign_id,
            "status": self.status,
            "percent": self.percent,
            "totalRecipients": self.total,
            "pendingCount": self.pending,
            "sentCount": self.sent,
            "deliveredCount": self.delivered,
            "readCount": self.read,
            "failedCount": self.failed,
            "skippedCount": self.skipped,
            "currentRate": self.current_rate,
            "effectiveRate": self.effective_rate,
            "etaSeconds": self.eta_seconds,
            "pauseReason": self.pause_reason,
        }


def percent_done(total: int, done: int) -> float:
    return round(100.0 * done / total, 1) if total else 0.0


async def sent_since(campaign_id: int, since: datetime) -> int:
    count = await CampaignMessage.count().where(
        (CampaignMessage.campaign == campaign_id) & (CampaignMessage.sent_at >= since)
    )
    return int(count)


def rate_allowed(
    *,
    campaign_rate: int,
    instance_state: str | None,
    rate_per_minute: int,
    sharing: int,
    sent_today: int,
    daily_cap: int,
) -> float:
    """Messages per minute a campaign can go at: its own rate, its share of the instance cap, zero past the daily cap
    or while the instance is not connected (pure, so the one-query live path shares it)."""
    if instance_state != ConnectionState.OPEN.value or sent_today >= daily_cap:
        return 0.0
    return float(min(campaign_rate, rate_per_minute / max(1, sharing)))


async def effective_rate(campaign: Campaign, now: datetime, instance: Instance | None = None) -> float:
    """`instance` may be passed when the caller already loaded it (saves a query)."""
    if campaign.instance is None:
        return 0.0
    if instance is None:
        instance = await Instance.objects().where(Instance.id == campaign.instance).first()
    if instance is None:
        return 0.0
    sharing = await Campaign.count().where(
        (Campaign.instance == instance.id) & (Campaign.status == CampaignStatus.RUNNING.value)
    )
    return rate_allowed(
        campaign_rate=campaign.rate_limit,
        instance_state=instance.state,
        rate_per_minute=instance.rate_per_minute,
        sharing=int(sharing),
        sent_today=sends_today(instance.sent_today, instance.sent_day, today=cap_day(now)),
        daily_cap=instance.daily_cap,
    )


def eta_seconds(pending: int, rate_per_minute: float) -> int | None:
    if pending == 0:
        return 0
    if rate_per_minute <= 0:
        return None
    return round(pending * 60 / rate_per_minute)


async def compute(campaign: Campaign, *, now: datetime, instance: Instance | None = None) -> Progress:
    """Progress of `campaign` (already loaded and owned): one read for the rate, one for the instance (none when
    the caller passes the campaign's `instance` row)."""
    live = CampaignStatus(campaign.status) in LIVE_STATUSES
    recent = await sent_since(campaign.id, now - RATE_WINDOW) if live else 0
    rate = await effective_rate(campaign, now, instance) if campaign.status == CampaignStatus.RUNNING.value else 0.0
    return assemble(campaign, recent=recent, rate=rate)


def assemble(campaign: Campaign, *, recent: int, rate: float) -> Progress:
    """The Progress of a campaign row, given its sends in the last RATE_WINDOW and the rate it may go at."""
    live = CampaignStatus(campaign.status) in LIVE_STATUSES
    done = campaign.sent_count + campaign.failed_count + campaign.skipped_count
    return Progress(
        campaign_id=campaign.id,
        status=campaign.status,
        total=campaign.total_recipients,
        pending=campaign.pending_count,
        sent=campaign.sent_count,
        delivered=campaign.delivered_count,
        read=campaign.read_count,
        failed=campaign.failed_count,
        skipped=campaign.skipped_count,
        percent=percent_done(campaign.total_recipients, done),
        current_rate=round(recent / RATE_WINDOW.total_seconds() * 60, 1) if live else 0.0,
        effective_rate=round(rate, 1),
        eta_seconds=eta_seconds(campaign.pending_count, rate) if live else None,
        pause_reason=campaign.pause_reason,
    )
