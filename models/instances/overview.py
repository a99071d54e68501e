"""What the instance list and the JSON API show: one row per instance, secrets reduced to a hint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from models.instances.daily_cap import as_day, sends_today
from models.instances.records import api_key_hint
from models.ownership import get_own, owned_by
from models.sending.pacing import DEFAULT_WARMUP_SCHEDULE, DailyCap, daily_cap
from models.statuses import FINISHED_CAMPAIGN_STATUSES
from models.tables import Campaign, Instance

STATE_LABELS = {"open": "connected", "connecting": "connecting", "close": "disconnected", "unknown": "unknown"}


@dataclass(frozen=True)
class InstanceView:
    """An instance as pages and JSON see it: no API key, no webhook secret."""

    id: int
    name: str
    server_url: str
    api_key_hint: str
    instance_name: str
    rate_per_minute: int
    jitter_percent: int
    daily_cap: int
    cost_per_message: Decimal
    state: str
    state_reason: str
    state_checked_at: datetime | None
    phone_number: str
    webhook_registered: bool
    sent_today: int
    campaigns_using: int
    warmup: bool
    warmup_started_at: date | None
    cap: DailyCap  # today's effective cap and why (warm-up day, halving)
    created_at: datetime
    updated_at: datetime

    @property
    def state_label(self) -> str:
        """The badge text (English msgid; templates translate it)."""
        return STATE_LABELS.get(self.state, self.state)


def _view(instance: Instance, today: date, campaigns: int, schedule: Sequence[int]) -> InstanceView:
    return InstanceView(
        id=int(instance.id),
        name=instance.name,
        server_url=instance.server_url,
        api_key_hint=api_key_hint(instance.api_key),
        instance_name=instance.instance_name,
        rate_per_minute=instance.rate_per_minute,
        jitter_percent=instance.jitter_percent,
        daily_cap=instance.daily_cap,
        cost_per_message=instance.cost_per_message,
        state=instance.state,
        state_reason=instance.state_reason,
        state_checked_at=instance.state_checked_at,
        phone_number=instance.phone_number,
        webhook_registered=bool(instance.webhook_registered),
        sent_today=sends_today(instance.sent_today, instance.sent_day, today=today),
        campaigns_using=campaigns,
        warmup=bool(instance.warmup),
        warmup_started_at=as_day(instance.warmup_started_at),
        cap=daily_cap(
            instance.daily_cap,
            warmup=bool(instance.warmup),
            started=as_day(instance.warmup_started_at),
            today=today,
            halved_day=as_day(instance.warmup_halved_day),
            schedule=schedule,
        ),
        created_at=instance.created_at,
        updated_at=instance.updated_at,
    )


async def _campaign_counts(instance_ids: list[int]) -> dict[int, int]:
    """Unfinished campaigns per instance (one query)."""
    if not instance_ids:
        return {}
    rows = await Campaign.select(Campaign.instance).where(
        Campaign.instance.is_in(instance_ids)
        & Campaign.status.not_in([status.value for status in FINISHED_CAMPAIGN_STATUSES])
    )
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["instance"]] = counts.get(row["instance"], 0) + 1
    return counts


async def list_instances(
    owner_id: int, today: date, schedule: Sequence[int] = DEFAULT_WARMUP_SCHEDULE
) -> list[InstanceView]:
    """The user's instances by name, each with its campaigns in use and today's sends."""
    rows = await Instance.objects().where(owned_by(Instance, owner_id)).order_by(Instance.name).order_by(Instance.id)
    counts = await _campaign_counts([int(row.id) for row in rows])
    return [_view(row, today, counts.get(int(row.id), 0), schedule) for row in rows]


async def get_instance_view(
    instance_id: int, owner_id: int, today: date, schedule: Sequence[int] = DEFAULT_WARMUP_SCHEDULE
) -> InstanceView:
    instance = await get_own(Instance, instance_id, owner_id, "Instance")
    counts = await _campaign_counts([instance_id])
    return _view(instance, today, counts.get(instance_id, 0), schedule)
