"""Recovery in seconds, not a lease: with the 2-minute lease in force, a sender killed with SIGKILL mid-campaign has
its claims reconciled within 15 s of its restart (and, on PostgreSQL, by a surviving sender without any restart),
and every recipient is still sent exactly once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from models.statuses import MessageStatus
from models.tables import CampaignMessage
from tests.fixtures.database import POSTGRES_URL
from tests.reliability.servers import ArautoProcess, sends_per_number, start_arauto, wait_for
from tests.reliability.test_kill9_resume import fast_campaign, wait_completed
from tests.sending_helpers import counters_match_statuses, phones

RECIPIENTS = 60
LEASE = {"ARAUTO_SEND_LEASE_SECONDS": "120"}  # the default: waiting for it would take two minutes
WITHIN_SECONDS = 15.0


async def claims_of(server: ArautoProcess) -> int:
    """SENDING claims held by `server`'s process (its worker id is host:pid:tail)."""
    return int(
        await CampaignMessage.count().where(
            (CampaignMessage.status == MessageStatus.SENDING.value)
            & CampaignMessage.claimed_by.like(f"%:{server.process.pid}:%")
        )
    )


async def kill_with_claims(server: ArautoProcess, sandbox: Any) -> None:
    """SIGKILL `server` once it has sent some messages and while it holds claims (sends in flight)."""
    await asyncio.to_thread(wait_for, lambda: sum(sends_per_number(sandbox).values()) >= 10, 15)
    deadline = time.monotonic() + 10
    while not await claims_of(server) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    server.kill9()
    assert await claims_of(server) > 0, "killed without claims: nothing to recover"


async def wait_reconciled(server: ArautoProcess, since: float, what: str) -> None:
    """Until `server`'s claims are gone (reconciled by another process), at most WITHIN_SECONDS after `since`."""
    while await claims_of(server):
        assert time.monotonic() - since < WITHIN_SECONDS, what
        await asyncio.sleep(0.1)


async def assert_exactly_once(sandbox: Any, campaign_id: int, count: int) -> None:
    sends = sends_per_number(sandbox)
    assert sorted(sends) == phones(count) and set(sends.values()) == {1}
    row, by_status = await counters_match_statuses(campaign_id)
    assert row == by_status and row["sent"] == count


async def test_a_killed_senders_claims_are_reconciled_within_15_s_of_its_restart(db, sandbox, make_user, tmp_path):
    sandbox.set_knobs(latency_ms=300)  # sends in flight at the kill
    campaign = await fast_campaign(make_user, sandbox, count=RECIPIENTS)
    first = start_arauto(db, tmp_path, **LEASE)
    try:
        await kill_with_claims(first, sandbox)
    finally:
        first.stop()
    restarted = time.monotonic()
    second = start_arauto(db, tmp_path, **LEASE)
    try:
        await wait_reconciled(first, restarted, "the dead predecessor's claims were not reconciled in time")
        await wait_completed(campaign.id, timeout=30)
    finally:
        second.stop()
    await assert_exactly_once(sandbox, campaign.id, RECIPIENTS)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://...")
async def test_on_postgresql_a_live_sender_takes_over_a_killed_ones_claims_within_15_s(
    db, sandbox, make_user, tmp_path
):
    sandbox.set_knobs(latency_ms=300)
    campaign = await fast_campaign(make_user, sandbox, count=RECIPIENTS * 2)
    victim = start_arauto(db, tmp_path, **LEASE)
    survivor = start_arauto(db, tmp_path, **LEASE)
    try:
        await kill_with_claims(victim, sandbox)
        await wait_reconciled(victim, time.monotonic(), "the killed sender's claims were not taken over in time")
        await wait_completed(campaign.id, timeout=30)
    finally:
        victim.stop()
        survivor.stop()
    await assert_exactly_once(sandbox, campaign.id, RECIPIENTS * 2)
