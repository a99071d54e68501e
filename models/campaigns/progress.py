"""A campaign's progress: percent, counters (from the campaign row), current rate, effective rate and ETA (the
calendar walk of models/campaigns/eta.py: a clock time, `estimatedCompletionAt`).

The counters are read from the campaign row, never counted per request. The current rate is what the campaign
really did: its sends over the last minute (one indexed range query), or since it started when it is younger.
The effective rate is what it may go at: the lower of its own rate and its share of the number's per-minute cap,
with the reason when that is not its own rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from models.campaigns.eta_inputs import campaign_forecast
from models.instances.daily_cap import cap_day, sends_today
from models.statuses import FINISHED_CAMPAIGN_STATUSES, CampaignStatus, ConnectionState, is_live
from models.tables import Campaign, CampaignMessage, Instance

RATE_WINDOW = timedelta(minutes=1)
# A campaign a few seconds old is measured over at least this long, so one send does not read as a burst.
MIN_RATE_SPAN = timedelta(seconds=10)

# Why the effective rate is below the campaign's own rate ("" when it is not).
RATE_OWN = ""
RATE_SHARED = "shared"  # the number's cap is split between the running campaigns on it
RATE_CAPPED = "capped"  # the number's cap alone is below the campaign's rate
RATE_OFFLINE = "offline"  # the number is not connected
RATE_DAILY_CAP = "daily_cap"  # the number reached its daily cap
RATE_NO_INSTANCE = "no_instance"


@dataclass(frozen=True)
class RateLimit:
    """The rate a campaign may go at now, and why when it is not the campaign's own."""

    rate: float
    reason: str = RATE_OWN
    cap: int = 0  # the number's per-minute cap
    sharing: int = 1  # running campaigns on the number, this one counted


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
    current_rate: float  # messages per minute actually sent over the last minute (or since start when younger)
    effective_rate: float  # messages per minute the campaign may go at (its rate or its share of the number's cap)
    rate_limit: int  # the campaign's own rate
    rate_reason: str  # why effective_rate is below rate_limit ("" when it is not): one of the RATE_* codes
    instance_cap: int
    sharing: int
    estimated_completion_at: datetime | None  # when the last message should go (RUNNING only; None: unknown)
    pause_reason: str
    replied: int = 0  # recipients who wrote back within 72 h of their send
    # Seconds from the computation to estimated_completion_at: left out of equality and repr (the live block's
    # stamp), which a clock time that does not move keeps unchanged from tick to tick.
    eta_seconds: int | None = field(default=None, compare=False, repr=False)
    computed_at: datetime | None = field(default=None, compare=False, repr=False)

    @property
    def is_live(self) -> bool:
        """While true, the page's progress block keeps polling."""
        return is_live(self.status)

    @property
    def is_finished(self) -> bool:
        return is_finished(self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT.value

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything but the rates and ETA changes: the page re-renders its other blocks then."""
        counters = (self.total, self.pending, self.sent, self.delivered, self.read, self.failed, self.skipped)
        return ":".join([self.status, *map(str, counters)])

    def changed_since(self, shown: str) -> tuple[bool, bool]:
        """(anything but the rates changed, the status changed) since the page drew the `fingerprint` `shown`."""
        return shown != self.fingerprint, shown.split(":", 1)[0] != self.status

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
            "repliedCount": self.replied,
            "failedCount": self.failed,
            "skippedCount": self.skipped,
            "currentRate": self.current_rate,
            "effectiveRate": self.effective_rate,
            "rateLimitedBy": self.rate_reason or None,
            "etaSeconds": self.eta_seconds,
            "estimatedCompletionAt": _utc_iso(self.estimated_completion_at),
            "pauseReason": self.pause_reason,
        }


def is_finished(status: str) -> bool:
    return CampaignStatus(status) in FINISHED_CAMPAIGN_STATUSES


def percent_done(total: int, done: int) -> float:
    """THE percent-done of the app (list, page, dashboard, API): one decimal, never above 100."""
    return min(100.0, round(100.0 * done / total, 1)) if total > 0 else 0.0


def done_count(campaign: Campaign) -> int:
    return int(campaign.sent_count + campaign.failed_count + campaign.skipped_count)


def campaign_percent(campaign: Campaign) -> float:
    return percent_done(campaign.total_recipients, done_count(campaign))


async def sent_since(campaign_id: int, since: datetime) -> int:
    count = await CampaignMessage.count().where(
        (CampaignMessage.campaign == campaign_id) & (CampaignMessage.sent_at >= since)
    )
    return int(count)


def current_rate(sends: int, *, started_at: datetime | None, now: datetime) -> float:
    """Messages per minute from the sends of the last RATE_WINDOW, over the time since start when shorter."""
    span = RATE_WINDOW
    if started_at is not None:
        span = max(MIN_RATE_SPAN, min(RATE_WINDOW, now - started_at))
    return round(sends * 60 / span.total_seconds(), 1)


def rate_allowed(
    *,
    campaign_rate: int,
    instance_state: str | None,
    rate_per_minute: int,
    sharing: int,
    sent_today: int,
    daily_cap: int,
) -> RateLimit:
    """What a campaign may go at: its own rate, or its share of the number's cap; zero past the daily cap or while
    the number is not connected (pure, so the one-query live path shares it). `sharing` counts this campaign."""
    sharing = max(1, sharing)
    if instance_state != ConnectionState.OPEN.value:
        return RateLimit(0.0, RATE_OFFLINE, rate_per_minute, sharing)
    if sent_today >= daily_cap:
        return RateLimit(0.0, RATE_DAILY_CAP, rate_per_minute, sharing)
    share = rate_per_minute / sharing
    if share >= campaign_rate:
        return RateLimit(float(campaign_rate), RATE_OWN, rate_per_minute, sharing)
    return RateLimit(round(share, 1), RATE_SHARED if sharing > 1 else RATE_CAPPED, rate_per_minute, sharing)


async def effective_rate(campaign: Campaign, now: datetime, instance: Instance | None = None) -> RateLimit:
    """`instance` may be passed when the caller already loaded it (saves a query). A campaign that is not running
    (a draft, a scheduled or paused one) is measured as if it were: its share counts it beside the campaigns
    running on the number now."""
    if campaign.instance is None:
        return RateLimit(0.0, RATE_NO_INSTANCE)
    if instance is None:
        instance = await Instance.objects().where(Instance.id == campaign.instance).first()
    if instance is None:
        return RateLimit(0.0, RATE_NO_INSTANCE)
    others = await Campaign.count().where(
        (Campaign.instance == instance.id)
        & (Campaign.status == CampaignStatus.RUNNING.value)
        & (Campaign.id != campaign.id)
    )
    return rate_allowed(
        campaign_rate=campaign.rate_limit,
        instance_state=instance.state,
        rate_per_minute=instance.rate_per_minute,
        sharing=int(others) + 1,
        sent_today=sends_today(instance.sent_today, instance.sent_day, today=cap_day(now)),
        daily_cap=instance.daily_cap,
    )


def _utc_iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


async def finish_of(campaign: Campaign, *, now: datetime) -> datetime | None:
    """The ETA of a RUNNING campaign (None for any other: it is not sending, or unknown)."""
    if campaign.status != CampaignStatus.RUNNING.value:
        return None
    return (await campaign_forecast(campaign, now=now)).finish


async def compute(campaign: Campaign, *, now: datetime, instance: Instance | None = None) -> Progress:
    """Progress of `campaign` (already loaded and owned): one read for the rate, one for the instance (none when
    the caller passes the campaign's `instance` row), and the ETA's few reads while it runs."""
    running = campaign.status == CampaignStatus.RUNNING.value
    recent = await sent_since(campaign.id, now - RATE_WINDOW) if running else 0
    limit = RateLimit(0.0) if is_finished(campaign.status) else await effective_rate(campaign, now, instance)
    return assemble(campaign, recent=recent, limit=limit, now=now, finish=await finish_of(campaign, now=now))


def assemble(
    campaign: Campaign, *, recent: int, limit: RateLimit, now: datetime, finish: datetime | None = None
) -> Progress:
    """The Progress of a campaign row, given its sends in the last RATE_WINDOW, the rate it may go at and its ETA.

    Only a RUNNING campaign has a current rate and an ETA: a paused or scheduled one is not sending."""
    running = campaign.status == CampaignStatus.RUNNING.value
    finish = finish if running else None
    return Progress(
        campaign_id=campaign.id,
        status=campaign.status,
        total=campaign.total_recipients,
        pending=campaign.pending_count,
        sent=campaign.sent_count,
        delivered=campaign.delivered_count,
        read=campaign.read_count,
        replied=campaign.replied_count,
        failed=campaign.failed_count,
        skipped=campaign.skipped_count,
        percent=campaign_percent(campaign),
        current_rate=current_rate(recent, started_at=campaign.started_at, now=now) if running else 0.0,
        effective_rate=limit.rate,
        rate_limit=campaign.rate_limit,
        rate_reason=limit.reason,
        instance_cap=limit.cap,
        sharing=limit.sharing,
        estimated_completion_at=finish,
        eta_seconds=max(0, round((finish - now).total_seconds())) if finish is not None else None,
        computed_at=now,
        pause_reason=campaign.pause_reason,
    )
