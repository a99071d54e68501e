"""The one place a connection state change acts: it is recorded on the instance, a down instance pauses its running
campaigns (the reason shown, `auto_paused` set) and an open one resumes only the campaigns Arauto paused, never one
the user paused. A campaign on several numbers pauses only when none of them can send: while another is not down
it carries on through the others (the sender skips the down number). Each step is kept as a NumberEvent.

Every path comes here: the webhook's CONNECTION_UPDATE, the dispatcher's InstanceDown outcome, the periodic check
(scheduler/recovery.py) and "check now" (scheduler/instance_setup.py). So they pause and resume the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.campaigns import lifecycle
from models.campaigns.history import Who
from models.campaigns.numbers import campaign_numbers, numbers_of_id
from models.errors import IllegalTransition
from models.instances.address import ADDRESS_COLUMNS, NumberAddress
from models.instances.records import set_state
from models.statuses import CampaignStatus, ConnectionState
from models.tables import Campaign, CampaignNumber, Instance, NumberEvent

logger = logging.getLogger("arauto.instances")


@dataclass(frozen=True)
class StateChange:
    """What a state change did to the instance's campaigns (ids, for logs and tests)."""

    paused: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class WatchedInstance:
    """An instance the periodic check asks about: it has RUNNING or auto-paused campaigns."""

    id: int
    address: NumberAddress


def reported_state(raw: str) -> ConnectionState:
    """Evolution's word for the connection (webhook or connectionState) as Arauto's state."""
    value = raw.strip().lower()
    if value in {"close", "refused"}:
        return ConnectionState.CLOSE
    if value in {"open", "connecting"}:
        return ConnectionState(value)
    return ConnectionState.UNKNOWN


async def connection_changed(
    instance_id: int, state: ConnectionState, reason: str, *, now: datetime, phone_number: str | None = None
) -> StateChange:
    """Record `state`; CLOSE pauses the RUNNING campaigns with `reason`, OPEN resumes the auto-paused ones."""
    await set_state(instance_id, state, reason, now, phone_number=phone_number)
    if state is ConnectionState.OPEN:
        return StateChange(resumed=await _act(instance_id, lifecycle.Action.AUTO_RESUME, now, ""))
    if state is ConnectionState.CLOSE:
        return StateChange(paused=await _act(instance_id, lifecycle.Action.AUTO_PAUSE, now, reason))
    return StateChange()


async def _using(instance_id: int) -> Any:
    """Campaigns that send through the instance: as their first number or as one of the others."""
    rows = await CampaignNumber.select(CampaignNumber.campaign).where(CampaignNumber.instance == instance_id)
    others = [int(r["campaign"]) for r in rows]
    return (
        (Campaign.instance == instance_id) | Campaign.id.is_in(others) if others else Campaign.instance == instance_id
    )


async def _others_up(campaign_id: int, instance_id: int) -> bool:
    """Whether another of the campaign's numbers is not known to be down."""
    first = await Campaign.select(Campaign.instance).where(Campaign.id == campaign_id).first()
    if first is None or first["instance"] is None:
        return False
    numbers = await numbers_of_id(campaign_id, int(first["instance"]))
    others = [i for i in numbers if i != instance_id]
    if not others:
        return False
    return bool(
        await Instance.exists().where(Instance.id.is_in(others) & (Instance.state != ConnectionState.CLOSE.value))
    )


async def _act(instance_id: int, action: lifecycle.Action, now: datetime, reason: str) -> list[int]:
    pausing = action is lifecycle.Action.AUTO_PAUSE
    auto_paused: Any = (Campaign.status == CampaignStatus.PAUSED.value) & (Campaign.auto_paused == True)  # noqa: E712
    live: Any = Campaign.status == CampaignStatus.RUNNING.value
    rows = await Campaign.select(Campaign.id, Campaign.status).where((await _using(instance_id)) & (live | auto_paused))
    done: list[int] = []
    for row in sorted(rows, key=lambda r: r["id"]):
        campaign_id, running = int(row["id"]), row["status"] == CampaignStatus.RUNNING.value
        was_down = await _last_event(campaign_id, instance_id) in {"down", "paused"}
        if pausing != was_down:  # a repeated report of the same state records nothing new
            await _event(campaign_id, instance_id, now, "down" if pausing else "up", reason)
        if pausing != running or (pausing and await _others_up(campaign_id, instance_id)):
            continue  # nothing to pause or resume, or it carries on through its other numbers
        try:
            who = Who(actor=f"instance {instance_id} state", source="instance")
            await lifecycle.apply(campaign_id, action, owner_id=None, now=now, reason=reason, who=who)
        except IllegalTransition:
            logger.info("campaign %s changed status meanwhile; %s skipped", campaign_id, action.value)
            continue
        await _event(campaign_id, instance_id, now, "paused" if pausing else "resumed", reason)
        done.append(campaign_id)
    return done


async def _last_event(campaign_id: int, instance_id: int) -> str:
    row = await (
        NumberEvent.select(NumberEvent.event)
        .where((NumberEvent.campaign == campaign_id) & (NumberEvent.instance == instance_id))
        .order_by(NumberEvent.id, ascending=False)
        .first()
    )
    return str(row["event"]) if row else ""


async def _event(campaign_id: int, instance_id: int, now: datetime, event: str, reason: str) -> None:
    await NumberEvent.insert(
        NumberEvent(campaign=campaign_id, instance=instance_id, at=now, event=event, reason=reason[:500])
    )


async def watched_instances() -> list[WatchedInstance]:
    """Every number of a RUNNING or an auto-paused campaign: the periodic check pauses or resumes those."""
    live = (Campaign.status == CampaignStatus.RUNNING.value) | (
        (Campaign.status == CampaignStatus.PAUSED.value) & (Campaign.auto_paused == True)  # noqa: E712
    )
    rows = await Campaign.select(Campaign.id, Campaign.instance).where(live & Campaign.instance.is_not_null())
    first = {int(r["id"]): int(r["instance"]) for r in rows}
    wanted = sorted({i for ids in (await campaign_numbers(list(first), first)).values() for i in ids})
    if not wanted:
        return []
    found = await Instance.select(Instance.id, *ADDRESS_COLUMNS).where(Instance.id.is_in(wanted))
    return sorted((WatchedInstance(int(r["id"]), NumberAddress.of(r)) for r in found), key=lambda watched: watched.id)
