"""One write transaction for every path: web writes while the sender records outcomes all succeed (no
"database is locked"), and a nested transaction joins its parent instead of waiting for itself."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.db import atomic
from models.statuses import CampaignStatus
from models.tables import Campaign, OptOut
from scheduler.evolution import EvolutionClient
from tests.factories import make_campaign, recipient_rows
from tests.integration.api_helpers import api_caller
from tests.sending_helpers import dispatcher, phones, sandbox_instance

RECIPIENTS = 300
WEB_WRITES = 20
LIFTED_RATE = 60_000  # one slot per millisecond: the sender writes as fast as it can


async def _no_wait(_: Any) -> None:
    return None


async def _sender_until_done(sender: Any, clock: Any, campaign_id: int) -> None:
    while await Campaign.exists().where(
        (Campaign.id == campaign_id) & (Campaign.status == CampaignStatus.RUNNING.value)
    ):
        await sender.run_pass()
        clock.advance(1.0)


async def test_web_writes_during_a_sender_pass_all_succeed(client, make_user, clock, sandbox) -> None:
    caller = await api_caller(make_user)
    instance = await sandbox_instance(caller.user.id, sandbox, rate_per_minute=LIFTED_RATE)
    running = await make_campaign(
        caller.user.id,
        instance.id,
        recipients=recipient_rows(phones(RECIPIENTS), {"name": "Ana"}),
        status=CampaignStatus.RUNNING,
        rate_limit=LIFTED_RATE,
    )
    draft = (await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)).json()
    async with EvolutionClient(read_timeout=5.0, max_connections=20) as evolution:
        sender = dispatcher(clock, evolution, batch_size=40, concurrency=20, horizon=1.0, sleep_until=_no_wait)
        sending = asyncio.create_task(_sender_until_done(sender, clock, running.id))
        opt_outs = [
            client.post("/api/opt-outs", json={"phone": phone}, headers=caller.headers)
            for phone in phones(WEB_WRITES, start=50_000)
        ]
        edits = [
            client.put(f"/api/campaigns/{draft['id']}", json={"name": f"Edit {n}"}, headers=caller.headers)
            for n in range(WEB_WRITES)
        ]
        responses = await asyncio.gather(*opt_outs, *edits)
        await sending
    assert [r.status_code for r in responses] == [201] * WEB_WRITES + [200] * WEB_WRITES
    assert await OptOut.count().where(OptOut.owner == caller.user.id) == WEB_WRITES
    done = await Campaign.objects().get(Campaign.id == running.id)
    assert (done.status, done.sent_count, done.pending_count) == ("COMPLETED", RECIPIENTS, 0)


async def test_a_nested_write_transaction_joins_the_outer_one(make_user, clock) -> None:
    user = await make_user()
    async with atomic():
        await OptOut.insert(OptOut(owner=user.id, phone="5511900000001", created_at=clock.now()))
        async with atomic():  # would wait forever on the writer queue if it did not join
            await OptOut.insert(OptOut(owner=user.id, phone="5511900000002", created_at=clock.now()))
    assert await OptOut.count().where(OptOut.owner == user.id) == 2


async def test_a_failed_write_transaction_lets_the_next_writer_in(make_user, clock) -> None:
    user = await make_user()
    with pytest.raises(RuntimeError):
        async with atomic():
            await OptOut.insert(OptOut(owner=user.id, phone="5511900000001", created_at=clock.now()))
            raise RuntimeError("rolled back")
    await asyncio.wait_for(OptOut.insert(OptOut(owner=user.id, phone="5511900000002", created_at=clock.now())), 5)
    assert [r["phone"] for r in await OptOut.select(OptOut.phone).where(OptOut.owner == user.id)] == ["5511900000002"]
