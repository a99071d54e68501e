"""What the campaign page and its live block show: the campaign, its progress, and what the user may do now.

Templates hold no state logic: the buttons (`actions`), `can_edit` and `can_retry` are decided here from the
lifecycle rules, and the charts are drawn here from the counters and one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.campaigns import lifecycle, progress
from models.campaigns.charts import FunnelStep, funnel_svg, sends_per_minute_svg
from models.campaigns.send_history import Remembered, send_history
from models.ownership import get_own
from models.recipients.campaign_table import retryable_failures
from models.sending.pacing import configured
from models.sending.waiting import SENDING, Waiting, waiting
from models.statuses import CampaignStatus
from models.tables import Campaign, Instance


@dataclass(frozen=True)
class CampaignView:
    campaign: Campaign
    progress: progress.Progress
    actions: list[str]
    can_edit: bool  # every field and the recipients
    can_edit_message: bool  # the message and the rate (also while PAUSED)
    can_retry: bool
    retryable: int  # failed recipients a retry could reach (not those that are not on WhatsApp)
    instance_name: str
    waiting: Waiting = SENDING  # why a RUNNING campaign cannot send now, and until when


@dataclass(frozen=True)
class CampaignCharts:
    funnel: str
    sends_per_minute: str


async def campaign_view(campaign_id: int, *, owner_id: int, now: datetime) -> CampaignView:
    """The owner's campaign with its progress (NotFoundOrNotYours otherwise)."""
    campaign = await get_own(Campaign, campaign_id, owner_id, "Campaign")
    return await view_of(campaign, now=now)


async def view_of(campaign: Campaign, *, now: datetime) -> CampaignView:
    """One read of the instance serves both its name and the progress's rate."""
    instance = None
    if campaign.instance is not None:
        instance = await Instance.objects().where(Instance.id == campaign.instance).first()
    current = await progress.compute(campaign, now=now, instance=instance)
    retryable = await retryable_failures(campaign.id) if campaign.failed_count else 0
    name = instance.name if instance else ""
    return assemble_view(campaign, current, retryable=retryable, instance_name=name, waiting=await held(campaign, now))


async def held(campaign: Campaign, now: datetime) -> Waiting:
    """The waiting state of a RUNNING campaign (models/sending/waiting.py); others never wait."""
    if campaign.status != CampaignStatus.RUNNING.value:
        return SENDING
    return await waiting(campaign.id, now=now, config=configured())


def assemble_view(
    campaign: Campaign,
    current: progress.Progress,
    *,
    retryable: int,
    instance_name: str,
    waiting: Waiting = SENDING,
) -> CampaignView:
    """The view from what was read (shared by the one-query live path)."""
    return CampaignView(
        campaign=campaign,
        progress=current,
        actions=[action.value for action in lifecycle.allowed_actions(campaign.status)],
        can_edit=lifecycle.can_edit(campaign.status),
        can_edit_message=lifecycle.can_edit_message(campaign.status),
        can_retry=lifecycle.can_retry_failed(campaign.status) and retryable > 0,
        retryable=retryable,
        instance_name=instance_name,
        waiting=waiting,
    )


def funnel_steps(current: progress.Progress, labels: dict[str, str]) -> list[FunnelStep]:
    """Sent -> delivered -> read -> replied, with failed beside them (a funnel of counters from the campaign row)."""
    values = {
        "sent": current.sent,
        "delivered": current.delivered,
        "read": current.read,
        "replied": current.replied,
        "failed": current.failed,
    }
    return [FunnelStep(key=key, label=labels.get(key, key), value=value) for key, value in values.items()]


async def campaign_charts(
    view: CampaignView, *, labels: dict[str, str], timezone: str = "UTC", memory: Remembered | None = None
) -> CampaignCharts:
    """Both charts of the campaign page; `labels` carries the translated words (models do not translate); `memory`
    spares re-reading the whole send history on every poll."""
    cid = view.campaign.id
    return CampaignCharts(
        funnel=funnel_svg(
            funnel_steps(view.progress, labels), chart_id=f"funnel-{cid}", title=labels.get("funnel", "Funnel")
        ),
        sends_per_minute=sends_per_minute_svg(
            await send_history(cid, sent_count=view.progress.sent, memory=memory),
            chart_id=f"rate-{cid}",
            title=labels.get("per_minute", "Sends per minute"),
            empty_text=labels.get("empty", "Nothing sent yet."),
            timezone=timezone,
        ),
    )
