"""The polled progress block in ONE query: the owner's campaign, its instance, its sends in the last five minutes
and how many running campaigns share the instance.

The block is polled every 2 s by every open tab, so its cost is what matters under load (bench/progress_bench.py):
one round trip instead of four. The arithmetic is shared with models/campaigns/progress.py (`assemble`, `rate_allowed`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.campaigns import lifecycle
from models.campaigns.progress import RATE_WINDOW, assemble, rate_allowed
from models.campaigns.view import CampaignView
from models.ownership import not_found
from models.statuses import CampaignStatus
from models.tables import Campaign

CAMPAIGN_COLUMNS = [column._meta.db_column_name for column in Campaign._meta.columns]
_LIVE_TAIL = """, i.name AS i_name, i.state AS i_state, i.rate_per_minute AS i_rate, i.daily_cap AS i_cap,
      i.sent_today AS i_sent_today, i.sent_day AS i_sent_day,
      (SELECT count(*) FROM arauto_campaign_message m WHERE m.campaign = c.id AND m.sent_at >= {}) AS recent,
      (SELECT count(*) FROM arauto_campaign r WHERE r.instance = c.instance AND r.status = 'RUNNING') AS sharing
    FROM arauto_campaign c LEFT JOIN arauto_instance i ON i.id = c.instance
    WHERE c.id = {} AND c.owner = {}"""
# Column names come from the table declaration; every value is a bound parameter ({} placeholders).
LIVE_SQL = "SELECT " + ", ".join(f'c."{name}" AS "{name}"' for name in CAMPAIGN_COLUMNS) + _LIVE_TAIL


def _rate(row: dict[str, Any], campaign: Campaign, now: datetime) -> float:
    if campaign.status != CampaignStatus.RUNNING.value or row["i_state"] is None:
        return 0.0
    return rate_allowed(
        campaign_rate=campaign.rate_limit,
        instance_state=row["i_state"],
        rate_per_minute=int(row["i_rate"]),
        sharing=int(row["sharing"]),
        sent_today=int(row["i_sent_today"]) if _same_day(row["i_sent_day"], now) else 0,
        daily_cap=int(row["i_cap"]),
    )


def _same_day(value: Any, now: datetime) -> bool:
    return value is not None and str(value)[:10] == now.date().isoformat()


async def live_view(campaign_id: int, *, owner_id: int, now: datetime) -> CampaignView:
    """The same CampaignView as `campaign_view`, read in one query (NotFoundOrNotYours when not the owner's)."""
    rows = await Campaign.raw(LIVE_SQL, now - RATE_WINDOW, campaign_id, owner_id)
    if not rows:
        raise not_found("Campaign", campaign_id)
    row = rows[0]
    campaign = Campaign(**{name: row[name] for name in CAMPAIGN_COLUMNS})
    live = CampaignStatus(campaign.status) in (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED)
    return CampaignView(
        campaign=campaign,
        progress=assemble(campaign, recent=int(row["recent"]) if live else 0, rate=_rate(row, campaign, now)),
        actions=[action.value for action in lifecycle.allowed_actions(campaign.status)],
        can_edit=lifecycle.can_edit(campaign.status),
        can_retry=lifecycle.can_retry_failed(campaign.status) and campaign.failed_count > 0,
        instance_name=row["i_name"] or "",
    )
