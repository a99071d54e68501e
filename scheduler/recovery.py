"""Recovery jobs: stale claims are reconciled with Evolution; instances with live campaigns are checked, so their
campaigns pause when the instance is down and resume when it is back. Both read everything from the database, so
they work the same after a crash, a restart or in another process.
"""

from __future__ import annotations

import logging
from datetime import datetime

from models import sending
from models.instances.connection import connection_changed, watched_instances
from models.sending import StaleClaim
from models.statuses import ConnectionState
from scheduler.dispatcher import record_sent
from scheduler.evolution import ConnectionState as RemoteState
from scheduler.evolution import EvolutionClient, FoundMessage, InstanceDown, Sent
from scheduler.instance_setup import read_state
from scheduler.reconcile import find_our_send
from scheduler.workers import dead_workers

log = logging.getLogger("arauto.recovery")


async def reconcile_stale(client: EvolutionClient, *, worker: str, now: datetime, lease: float) -> dict[str, int]:
    """SENDING past the lease: found on Evolution -> SENT with its id; not found -> PENDING again (sent later)."""
    return await _reconcile(client, await sending.stale_claims(now=now, lease=lease), worker=worker, now=now)


async def reconcile_dead(
    client: EvolutionClient, *, worker: str, now: datetime, judge_silence: bool
) -> dict[str, int]:
    """The claims of dead workers (scheduler/workers.py), at once and however young, as stale ones are."""
    dead = await dead_workers(me=worker, now=now, judge_silence=judge_silence)
    if not dead:
        return {}
    log.info("claims of dead workers %s: reconciling now", dead)
    return await _reconcile(client, await sending.stale_claims(now=now, lease=0, workers=dead), worker=worker, now=now)


async def _reconcile(
    client: EvolutionClient, claims: list[StaleClaim], *, worker: str, now: datetime
) -> dict[str, int]:
    tally = {"sent": 0, "pending": 0, "unreachable": 0}
    for claim in claims:
        if not await sending.take_over(claim, worker=worker, now=now):
            continue  # another process took it first
        tally[await _reconcile_one(client, claim, worker=worker, now=now)] += 1
    return tally


async def _reconcile_one(client: EvolutionClient, claim: StaleClaim, *, worker: str, now: datetime) -> str:
    found = await find_our_send(client, claim, since=claim.claimed_at)
    if found is None:
        await sending.record_retry(
            claim.message_id,
            error="Reconciled: Evolution has no trace of it, sending again",
            next_attempt_at=None,
            spend_attempt=False,
            worker=worker,
        )
        log.info("reconciled message %s (campaign %s): not sent, back to PENDING", claim.message_id, claim.campaign_id)
        return "pending"
    if not isinstance(found, FoundMessage):
        # Still SENDING, its claim renewed by take_over: asked again after another lease.
        log.warning("message %s: could not ask Evolution (%s); will try again", claim.message_id, found.reason)
        return "unreachable"
    await record_sent(claim.message_id, Sent(found.key_id, found.remote_jid, found.timestamp), now=now, worker=worker)
    log.info("reconciled message %s (campaign %s): sent as %s", claim.message_id, claim.campaign_id, found.key_id)
    return "sent"


async def check_instances(client: EvolutionClient, *, now: datetime) -> list[int]:
    """Ask each instance with RUNNING or auto-paused campaigns for its state and hand what it says to the one rule
    (a down instance pauses its campaigns, an open one resumes what Arauto paused). Returns the resumed campaigns."""
    resumed: list[int] = []
    for instance in await watched_instances():
        result = await client.connection_state(instance.address)
        if isinstance(result, RemoteState):
            state, reason = read_state(result)
        elif isinstance(result, InstanceDown):
            state, reason = ConnectionState.CLOSE, result.reason
        else:
            continue  # the server did not answer: that says nothing about the WhatsApp connection
        change = await connection_changed(instance.id, state, reason, now=now)
        if change.paused:
            log.warning("instance %s down (%s): paused campaigns %s", instance.id, reason, change.paused)
        resumed.extend(change.resumed)
    if resumed:
        log.info("instances back: resumed campaigns %s", resumed)
    return resumed
