"""The one place a connection state change acts: it is recorded on the instance, a down instance pauses its running
campaigns (the reason shown, `auto_paused` set) and an open one resumes only the campaigns Arauto paused, never one
the user paused.

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
from models.errors import IllegalTransition
from models.instances.records import set_state
from models.statuses import CampaignStatus, ConnectionState
from models.tables import Campaign

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
    server_url: str
    api_key: str
    instance_name: str


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


async def _act(instance_id: int, action: lifecycle.Action, now: datetime, reason: str) -> list[int]:
    where: Any = Campaign.instance == instance_id
    if action is lifecycle.Action.AUTO_RESUME:
        where &= (Campaign.status == CampaignStatus.PAUSED.value) & (Campaign.auto_paused == True)  # noqa: E712
    else:
        where &= Campaign.status == CampaignStatus.RUNNING.value
    done: list[int] = []
    for row in await Campaign.select(Campaign.id).where(where).order_by(Campaign.id):
        try:
            who = Who(actor=f"instance {instance_id} state", source="instance")
            await lifecycle.apply(row["id"], action, owner_id=None, now=now, reason=reason, who=who)
        except IllegalTransition:
            logger.info("campaign %s changed status meanwhile; %s skipped", row["id"], action.value)
            continue
        done.append(int(row["id"]))
    return done


async def watched_instances() -> list[WatchedInstance]:
    """Instances with a RUNNING or an auto-paused campaign: the periodic check pauses or resumes those."""
    live = (Campaign.status == CampaignStatus.RUNNING.value) | (
        (Campaign.status == CampaignStatus.PAUSED.value) & (Campaign.auto_paused == True)  # noqa: E712
    )
    rows = await (
        Campaign.select(
            Campaign.instance.as_alias("instance_id"),
            Campaign.instance.server_url.as_alias("server_url"),
            Campaign.instance.api_key.as_alias("api_key"),
            Campaign.instance.instance_name.as_alias("instance_name"),
        )
        .where(live & Campaign.instance.is_not_null())
        .distinct()
    )
    return sorted(
        (
            WatchedInstance(int(r["instance_id"]), r["server_url"] or "", r["api_key"] or "", r["instance_name"] or "")
            for r in rows
        ),
        key=lambda watched: watched.id,
    )
