"""Reads what the ETA simulation (models/campaigns/eta.py) needs for one campaign: its numbers with this campaign's
share of each (given the other RUNNING campaigns on them), their daily caps and warm-up, the owner's limits and what
was sent against them, the window in the campaign's zone, and the expiry. A few small queries, no scan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from models.accounts.profile import get_profile, limit_usage, period_ends
from models.campaigns.eta import Forecast, Inputs, Lane, UserLimits, forecast
from models.campaigns.numbers import campaign_numbers, numbers_of
from models.instances.daily_cap import as_day, cap_day, sends_today
from models.sending.pacing import PacingConfig, SendWindow, configured, daily_cap
from models.statuses import CampaignStatus, ConnectionState
from models.tables import Campaign, Instance
from models.timezones import zone


def fair_share(capacity: float, mine: float, others: Sequence[float]) -> float:
    """Max-min fairness, as the claim shares a number's slot: campaigns asking less than an equal split get what they
    ask, the rest split what is left. This campaign's part, never above what it asks."""
    demands = sorted([*others, mine])
    left, count = capacity, len(demands)
    for demand in demands:
        level = left / count
        if demand > level:
            return min(mine, level)
        left -= demand
        count -= 1
    return mine


async def _others_on(instance_ids: list[int], campaign_id: int) -> dict[int, list[float]]:
    """Per number: what each other RUNNING campaign with work left asks of it (its rate over its numbers)."""
    running = await Campaign.select(Campaign.id, Campaign.instance, Campaign.rate_limit).where(
        (Campaign.status == CampaignStatus.RUNNING.value)
        & (Campaign.pending_count > 0)
        & Campaign.instance.is_not_null()
        & (Campaign.id != campaign_id)
    )
    first = {int(r["id"]): int(r["instance"]) for r in running}
    numbers = await campaign_numbers(list(first), first)
    asks: dict[int, list[float]] = {i: [] for i in instance_ids}
    for row in running:
        ids = numbers.get(int(row["id"]), [])
        for iid in ids:
            if iid in asks:
                asks[iid].append(int(row["rate_limit"]) / len(ids))
    return asks


def _lane(instance: Any, *, rate: float, others: list[float], today: date, schedule: Sequence[int]) -> Lane:
    if instance["state"] != ConnectionState.OPEN.value:
        return Lane(per_minute=0.0, cap_on=lambda day: 0)
    capacity = float(instance["rate_per_minute"])
    share = fair_share(capacity, min(rate, capacity), others)
    used = min(capacity, share + sum(min(ask, capacity) for ask in others))

    def cap_on(day: date) -> int:
        return daily_cap(
            int(instance["daily_cap"]),
            warmup=bool(instance["warmup"]),
            started=as_day(instance["warmup_started_at"]),
            today=day,
            halved_day=as_day(instance["warmup_halved_day"]),
            schedule=schedule,
        ).cap

    return Lane(
        per_minute=share,
        cap_on=cap_on,
        sent_today=sends_today(instance["sent_today"], instance["sent_day"], today=today),
        part=share / used if used > 0 else 1.0,
    )


async def campaign_forecast(
    campaign: Campaign, *, now: datetime, pending: int | None = None, config: PacingConfig | None = None
) -> Forecast:
    """When `campaign`'s `pending` messages (default: its pending count) should all have gone, from `now`; the
    warm-up schedule is the app's (`pacing.configured()`) unless `config` is given."""
    schedule = (config or configured()).warmup_schedule
    ids = await numbers_of(campaign)
    rows = {
        int(r["id"]): r
        for r in await Instance.select(
            Instance.id,
            Instance.state,
            Instance.rate_per_minute,
            Instance.jitter_percent,
            Instance.daily_cap,
            Instance.sent_today,
            Instance.sent_day,
            Instance.warmup,
            Instance.warmup_started_at,
            Instance.warmup_halved_day,
        ).where(Instance.id.is_in(ids or [0]))
    }
    found = [rows[i] for i in ids if i in rows]
    others = await _others_on([int(r["id"]) for r in found], campaign.id)
    today = cap_day(now)
    rate = float(campaign.rate_limit)  # it may ask its whole rate of each number: the walk caps their sum at it
    lanes = [_lane(r, rate=rate, others=others[int(r["id"])], today=today, schedule=schedule) for r in found]
    profile = await get_profile(campaign.owner)
    window = SendWindow.from_json(campaign.send_window, zone(campaign.timezone or profile.timezone))
    user = UserLimits()
    if profile.daily_limit is not None or profile.monthly_limit is not None:  # the counts only when they matter
        day_usage, month_usage = await limit_usage(campaign.owner, now=now)
        user = UserLimits(
            daily=profile.daily_limit,
            monthly=profile.monthly_limit,
            day_sent=day_usage.sent,
            month_sent=month_usage.sent,
            period_ends=lambda at: period_ends(at, profile.timezone),
        )
    return forecast(
        Inputs(
            now=now,
            pending=int(campaign.pending_count) if pending is None else pending,
            rate=int(campaign.rate_limit),
            lanes=lanes,
            window=window,
            expires_at=campaign.expires_at,
            user=user,
            jitter_percent=int(found[0]["jitter_percent"]) if found else 0,
        )
    )
