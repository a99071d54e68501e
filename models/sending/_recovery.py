"""Claims left behind (a crash, a lost DB write after a send): find them, take them over one at a time.

A claim is left behind when its lease ran out, or at once when its worker is dead: a predecessor on this host
whose process is gone, or a worker whose heartbeat (arauto_worker) fell silent (scheduler/recovery.py decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from models.instances.address import ADDRESS_COLUMNS, NumberAddress
from models.sending._engine import rows_changed
from models.sending._types import StaleClaim
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance, Worker

SENDING = MessageStatus.SENDING.value


async def _through_their_number(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A claim names the number it went through (several per campaign): reconcile there, not on the first one."""
    other = {int(r["through"]) for r in rows if r["through"] is not None and r["through"] != r["instance_id"]}
    if not other:
        return rows
    found = {
        int(i["instance_id"]): i
        for i in await Instance.select(Instance.id.as_alias("instance_id"), *ADDRESS_COLUMNS).where(
            Instance.id.is_in(list(other))
        )
    }
    moved = []
    for row in rows:
        number = found.get(row["through"]) if row["through"] is not None else None
        moved.append(row if number is None else {**row, **number})
    return moved


async def stale_claims(
    *, now: datetime, lease: float, limit: int = 200, workers: Sequence[str] = ()
) -> list[StaleClaim]:
    """Messages in SENDING whose claim is older than `lease` seconds, oldest first; with `workers` (dead ones),
    every SENDING claim they hold, however young."""
    where: Any = CampaignMessage.status == SENDING
    if workers:
        where &= CampaignMessage.claimed_by.is_in(list(workers))
    else:
        where &= CampaignMessage.claimed_at < now - timedelta(seconds=lease)
    rows = await (
        CampaignMessage.select(
            CampaignMessage.id,
            CampaignMessage.campaign,
            CampaignMessage.phone,
            CampaignMessage.whatsapp_jid,
            CampaignMessage.claimed_at,
            CampaignMessage.instance_id.as_alias("through"),
            CampaignMessage.campaign._.instance.as_alias("instance_id"),
            CampaignMessage.campaign._.instance._.server_url.as_alias("server_url"),
            CampaignMessage.campaign._.instance._.api_key.as_alias("api_key"),
            CampaignMessage.campaign._.instance._.instance_name.as_alias("instance_name"),
        )
        .where(where)
        .order_by(CampaignMessage.claimed_at)
        .limit(limit)
    )
    rows = await _through_their_number(rows)
    return [
        StaleClaim(
            message_id=r["id"],
            campaign_id=r["campaign"],
            phone=r["phone"],
            claimed_at=r["claimed_at"],
            instance_id=r["instance_id"],
            address=NumberAddress.of(r),
            whatsapp_jid=r["whatsapp_jid"] or "",
        )
        for r in rows
    ]


async def take_over(claim: StaleClaim, *, worker: str, now: datetime) -> bool:
    """Make a stale claim ours (compare-and-swap on its claim time), so two recoverers never both act on it."""
    changed = (
        await CampaignMessage.update({CampaignMessage.claimed_by: worker, CampaignMessage.claimed_at: now})
        .where(
            (CampaignMessage.id == claim.message_id)
            & (CampaignMessage.status == SENDING)
            & (CampaignMessage.claimed_at == claim.claimed_at)
        )
        .returning(CampaignMessage.id)
    )
    return rows_changed(changed) > 0


async def claim_holders() -> list[str]:
    """The workers holding SENDING claims now."""
    rows = await (
        CampaignMessage.select(CampaignMessage.claimed_by)
        .where((CampaignMessage.status == SENDING) & (CampaignMessage.claimed_by != ""))
        .distinct()
    )
    return [str(r["claimed_by"]) for r in rows]


async def beat(worker: str, *, now: datetime) -> None:
    """This worker is alive (its first beat registers it)."""
    changed = await Worker.update({Worker.beat_at: now}).where(Worker.worker == worker).returning(Worker.id)
    if not rows_changed(changed):
        await Worker.insert(Worker(worker=worker, started_at=now, beat_at=now))


async def silent_workers(*, now: datetime, silence: float) -> list[str]:
    """Workers whose last beat is older than `silence` seconds."""
    rows = await Worker.select(Worker.worker).where(Worker.beat_at < now - timedelta(seconds=silence))
    return [str(r["worker"]) for r in rows]


async def forget_workers(workers: Sequence[str]) -> None:
    """Drop the heartbeats of workers that are gone (a clean stop, or dead with no claim left)."""
    if workers:
        await Worker.delete().where(Worker.worker.is_in(list(workers)))


async def known_key_ids(key_ids: list[str]) -> set[str]:
    """Which Evolution message ids are already recorded on some message (so reconciliation never reuses one)."""
    if not key_ids:
        return set()
    rows = await CampaignMessage.select(CampaignMessage.evolution_id).where(CampaignMessage.evolution_id.is_in(key_ids))
    return {r["evolution_id"] for r in rows}


async def sent_since(*, since: datetime, campaign_id: int | None = None, instance_id: int | None = None) -> int:
    """Messages sent since `since`, of one campaign or of every campaign on one instance."""
    where: Any = CampaignMessage.sent_at >= since
    if campaign_id is not None:
        where &= CampaignMessage.campaign == campaign_id
    if instance_id is not None:
        where &= CampaignMessage.campaign._.instance == instance_id
    return int(await CampaignMessage.count().where(where))


async def finished_running_campaigns() -> list[int]:
    """RUNNING campaigns with no PENDING or SENDING message left (counted, not trusted from the counter)."""
    rows = await Campaign.select(Campaign.id).where(
        (Campaign.status == CampaignStatus.RUNNING.value) & (Campaign.pending_count <= 0)
    )
    done: list[int] = []
    for row in rows:
        open_count = await CampaignMessage.count().where(
            (CampaignMessage.campaign == row["id"])
            & CampaignMessage.status.is_in([MessageStatus.PENDING.value, SENDING])
        )
        if not open_count:
            done.append(int(row["id"]))
    return done


async def counts_by_status(campaign_id: int) -> dict[str, int]:
    """A count of a campaign's messages by status (tests and checks compare it with the counters)."""
    rows = (
        await CampaignMessage.select(CampaignMessage.status, Count(alias="n"))
        .where(CampaignMessage.campaign == campaign_id)
        .group_by(CampaignMessage.status)
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def due_scheduled_campaigns(now: datetime) -> list[int]:
    """SCHEDULED campaigns whose time has come (the sweep finds them even after downtime)."""
    rows = await Campaign.select(Campaign.id).where(
        (Campaign.status == CampaignStatus.SCHEDULED.value) & (Campaign.scheduled_for <= now)
    )
    return [int(r["id"]) for r in rows]


async def upcoming_scheduled_campaigns(now: datetime) -> list[tuple[int, datetime]]:
    """SCHEDULED campaigns still in the future, for punctual one-off triggers."""
    rows = await Campaign.select(Campaign.id, Campaign.scheduled_for).where(
        (Campaign.status == CampaignStatus.SCHEDULED.value) & (Campaign.scheduled_for > now)
    )
    return [(int(r["id"]), r["scheduled_for"]) for r in rows]
