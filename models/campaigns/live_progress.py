"""The polled progress block in ONE query: the owner's campaign, its instance, its sends in the last minute,
its retryable failures and how many other running campaigns share the instance (plus, while it runs, the ETA's and
the waiting state's few reads: computed once per campaign per tick by models/campaigns/live_cache.py).

The block is polled every 2 s by every open tab, so its cost is what matters under load (bench/progress_bench.py):
one round trip instead of five (a RUNNING campaign adds its waiting state: models/sending/waiting.py). The
arithmetic is shared with models/campaigns/progress.py (`assemble`, `rate_allowed`) and models/campaigns/view.py
(`assemble_view`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.campaigns.progress import (
    RATE_NO_INSTANCE,
    RATE_WINDOW,
    RateLimit,
    assemble,
    finish_of,
    is_finished,
    rate_allowed,
)
from models.campaigns.view import CampaignView, assemble_view, held
from models.engines import point_reads
from models.instances.daily_cap import cap_day, sends_today
from models.ownership import not_found
from models.phones import REMOVED_LIKE
from models.recipients.campaign_table import NOT_ON_WHATSAPP_LIKE
from models.statuses import CampaignStatus
from models.tables import Campaign

CAMPAIGN_COLUMNS = [column._meta.db_column_name for column in Campaign._meta.columns]
_INSTANCE = """, i.name AS i_name, i.state AS i_state, i.rate_per_minute AS i_rate, i.daily_cap AS i_cap,
      i.sent_today AS i_sent_today, i.sent_day AS i_sent_day, i.updated_at AS i_updated_at,"""
_MESSAGES = """
      (SELECT count(*) FROM arauto_campaign_message m WHERE m.campaign = c.id AND m.sent_at >= {}) AS recent,
      (SELECT count(*) FROM arauto_campaign_message f WHERE f.campaign = c.id AND f.status = 'FAILED'
         AND f.error NOT LIKE {} AND f.phone NOT LIKE {}) AS retryable,"""
_OTHERS_AND_WHERE = """
      (SELECT count(*) FROM arauto_campaign r
         WHERE r.instance = c.instance AND r.status = 'RUNNING' AND r.id <> c.id) AS others
    FROM arauto_campaign c LEFT JOIN arauto_instance i ON i.id = c.instance
    WHERE c.id = {} AND c.owner = {}"""
# Column names come from the table declaration; every value is a bound parameter ({} placeholders).
_CAMPAIGN = "SELECT " + ", ".join(f'c."{name}" AS "{name}"' for name in CAMPAIGN_COLUMNS)
LIVE_SQL = _CAMPAIGN + _INSTANCE + _MESSAGES + _OTHERS_AND_WHERE
# Every row the block reads but the campaign's messages (which move its counters): an index lookup, no scan.
VERSION_SQL = _CAMPAIGN + _INSTANCE + _OTHERS_AND_WHERE


def _limit(row: dict[str, Any], campaign: Campaign, now: datetime) -> RateLimit:
    if is_finished(campaign.status):
        return RateLimit(0.0)
    if row["i_state"] is None:
        return RateLimit(0.0, RATE_NO_INSTANCE)
    return rate_allowed(
        campaign_rate=campaign.rate_limit,
        instance_state=row["i_state"],
        rate_per_minute=int(row["i_rate"]),
        sharing=int(row["others"]) + 1,
        sent_today=sends_today(row["i_sent_today"], row["i_sent_day"], today=cap_day(now)),
        daily_cap=int(row["i_cap"]),
    )


async def live_version(campaign_id: int, *, owner_id: int) -> tuple[Any, ...]:
    """What the block depends on, cheaply: a poll whose version and tick are unchanged reuses the last computation
    (models/campaigns/live_cache.py). NotFoundOrNotYours when not the owner's."""
    with point_reads():  # the campaign's row by key, its instance's, and the instance's campaigns by index
        rows = await Campaign.raw(VERSION_SQL, campaign_id, owner_id)
    if not rows:
        raise not_found("Campaign", campaign_id)
    return tuple(str(value) for value in rows[0].values())


async def live_view(campaign_id: int, *, owner_id: int, now: datetime) -> CampaignView:
    """The same CampaignView as `campaign_view`, read in one query (NotFoundOrNotYours when not the owner's)."""
    rows = await Campaign.raw(LIVE_SQL, now - RATE_WINDOW, NOT_ON_WHATSAPP_LIKE, REMOVED_LIKE, campaign_id, owner_id)
    if not rows:
        raise not_found("Campaign", campaign_id)
    row = rows[0]
    campaign = Campaign(**{name: row[name] for name in CAMPAIGN_COLUMNS})
    running = campaign.status == CampaignStatus.RUNNING.value
    recent = int(row["recent"]) if running else 0
    with point_reads():  # the ETA's and the waiting state's reads: rows by key, first rows of an index
        finish = await finish_of(campaign, now=now)
        waiting = await held(campaign, now)
    current = assemble(campaign, recent=recent, limit=_limit(row, campaign, now), now=now, finish=finish)
    return assemble_view(
        campaign, current, retryable=int(row["retryable"]), instance_name=row["i_name"] or "", waiting=waiting
    )
