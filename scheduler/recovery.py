"""Recovery jobs: stale claims are reconciled with Evolution; auto-paused campaigns resume when their instance is
back. Both read everything from the database, so they work the same after a crash, a restart or in another process.
"""

from __future__ import annotations

import logging
from datetime import datetime

from models import sending
from models.campaigns import lifecycle
from models.errors import IllegalTransition
from models.sending import StaleClaim
from scheduler.dispatcher import record_sent
from scheduler.evolution import ConnectionState, EvolutionClient, FoundMessage, Sent
from scheduler.reconcile import find_our_send

log = logging.getLogger("arauto.recovery")
OPEN = "open"


async def reconcile_stale(client: EvolutionClient, *, worker: str, now: datetime, lease: float) -> dict[str, int]:
    """SENDING past the lease: found on Evolution -> SENT with its id; not found -> PENDING again (sent later)."""
    tally = {"sent": 0, "pending": 0, "unreachable": 0}
    for claim in await sending.stale_claims(now=now, lease=lease):
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
    """Poll the connection state of instances with auto-paused campaigns; resume those whose instance is open."""
    resumed: list[int] = []
    states: dict[int, bool] = {}
    for row in await sending.auto_paused_campaigns():
        instance_id = int(row["instance_id"])
        if instance_id not in states:
            state = await client.connection_state(row["server_url"], row["api_key"], row["instance_name"])
            states[instance_id] = isinstance(state, ConnectionState) and state.state == OPEN
            if states[instance_id]:
                await sending.set_instance_state(instance_id, state=OPEN, reason="", now=now)
        if not states[instance_id]:
            continue
        try:
            await lifecycle.apply(row["id"], lifecycle.Action.AUTO_RESUME, owner_id=None, now=now)
        except IllegalTransition:
            continue
        resumed.append(int(row["id"]))
    if resumed:
        log.info("instances back: resumed campaigns %s", resumed)
    return resumed
