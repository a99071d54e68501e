"""Driving the dispatcher by hand in tests: a sandbox-backed instance, a FakeClock, passes until done."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.sending import counts_by_status
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from scheduler.dispatcher import Dispatcher
from scheduler.evolution import EvolutionClient
from tests.clock import FakeClock
from tests.factories import make_instance


def phones(count: int, start: int = 0) -> list[str]:
    return [f"55119{start + n:08d}" for n in range(count)]


async def sandbox_instance(owner_id: int, sandbox: Any, **fields: Any) -> Any:
    values = {
        "server_url": sandbox.url,
        "api_key": sandbox.api_key,
        "instance_name": sandbox.instance,
        "jitter_percent": 0,
        "rate_per_minute": 60,
        "daily_cap": 100_000,
    }
    values.update(fields)
    return await make_instance(owner_id, **values)


def dispatcher(clock: FakeClock, client: EvolutionClient, **fields: Any) -> Dispatcher:
    return Dispatcher(client=client, clock=clock, worker="test-worker", **fields)


async def run_until_done(sender: Dispatcher, clock: FakeClock, *, step: float = 1.0, max_passes: int = 2000) -> int:
    """Passes every `step` fake seconds until no campaign is RUNNING; returns the passes taken."""
    for n in range(max_passes):
        await sender.run_pass()
        if not await Campaign.exists().where(Campaign.status == CampaignStatus.RUNNING.value):
            return n + 1
        clock.advance(step)
    raise AssertionError("campaigns still running after max_passes")


async def sent_times(campaign_id: int | None = None) -> list[datetime]:
    where: Any = CampaignMessage.sent_at.is_not_null()
    if campaign_id is not None:
        where &= CampaignMessage.campaign == campaign_id
    rows = await CampaignMessage.select(CampaignMessage.sent_at).where(where)
    return sorted(r["sent_at"] for r in rows)


def busiest_window(times: list[datetime], seconds: float) -> int:
    """The most sends inside any half-open window [t, t + seconds) starting at a send."""
    span = timedelta(seconds=seconds)
    return max((sum(1 for u in times if t <= u < t + span) for t in times), default=0)


async def counters_match_statuses(campaign_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """(counters from the row, the same counters from a count by status)."""
    campaign = await Campaign.objects().where(Campaign.id == campaign_id).first()
    counts = await counts_by_status(campaign_id)
    sent = sum(counts.get(s, 0) for s in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ))
    by_status = {
        "pending": counts.get(MessageStatus.PENDING, 0) + counts.get(MessageStatus.SENDING, 0),
        "sent": sent,
        "failed": counts.get(MessageStatus.FAILED, 0),
        "skipped": counts.get(MessageStatus.SKIPPED, 0),
        "total": sum(counts.values()),
    }
    row = {
        "pending": campaign.pending_count,
        "sent": campaign.sent_count,
        "failed": campaign.failed_count,
        "skipped": campaign.skipped_count,
        "total": campaign.total_recipients,
    }
    return row, by_status
