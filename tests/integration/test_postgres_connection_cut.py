"""A PostgreSQL restart cuts the connection of a transaction in flight: the ROLLBACK then fails too, and Piccolo left
that dead transaction as the task's current one, so every later write of the task joined it ("connection has been
released back to the pool"). The sender's group commit retries its batch in one task: after a restart under load
it kept failing until its 600 s ran out, its message SENDING for the 2-minute lease (issue 16's restart test). Here
the connection is cut by pg_terminate_backend, the way a fast shutdown cuts it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from models import sending
from models.db import atomic, current_engine
from models.engines import close_pool, open_pool
from models.sending import SentRecord
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from scheduler.group_commit import GroupCommit, is_outage
from tests.factories import make_campaign, make_instance
from tests.fixtures.database import POSTGRES_URL

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://...")]
AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def pool(db: str) -> AsyncIterator[None]:
    """The app's pool (transactions take their connection from it, as in the sender)."""
    await open_pool(current_engine())
    yield
    await close_pool(current_engine())


async def cut_own_connection(transaction: Any) -> None:
    """What a fast shutdown does to this transaction's backend."""
    pid = await transaction.connection.fetchval("SELECT pg_backend_pid()")
    killer = await asyncpg.connect(POSTGRES_URL)
    try:
        await killer.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await killer.close()


async def test_a_task_whose_transaction_lost_its_connection_writes_again_on_a_new_one(pool) -> None:
    with pytest.raises(Exception) as cut:
        async with atomic() as transaction:
            await cut_own_connection(transaction)
            await Campaign.count()
    assert is_outage(cut.value)  # kept and written again by the group commit, not failed
    assert current_engine().current_transaction.get() is None  # the dead transaction is forgotten

    async with atomic():  # the same task: a fresh connection, not the dead one
        assert await Campaign.count() == 0


async def test_the_group_commit_writes_an_outcome_whose_first_write_lost_its_connection_once(pool, make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    recipients = [{"phone": "5511900000001", "status": MessageStatus.SENDING}]
    campaign = await make_campaign(user.id, instance.id, recipients=recipients, status=CampaignStatus.RUNNING)
    message_id = (await CampaignMessage.select(CampaignMessage.id).first())["id"]
    await CampaignMessage.update({CampaignMessage.claimed_by: "me"}).where(CampaignMessage.id == message_id)
    attempts = 0

    async def flush(records: Sequence[SentRecord]) -> list[int | None]:
        nonlocal attempts
        attempts += 1
        if attempts == 1:  # the restart cuts the first write mid-transaction
            async with atomic() as transaction:
                await cut_own_connection(transaction)
                return await sending.record_sent_many(records, worker="me")
        return await sending.record_sent_many(records, worker="me")

    commit = GroupCommit(flush, keep_for=3.0, first_delay=0.05)
    assert await commit.submit(SentRecord(message_id, "K1", "a@s.whatsapp.net", AT)) == campaign.id

    assert attempts == 2
    row = await CampaignMessage.select(CampaignMessage.status, CampaignMessage.claimed_by).first()
    assert row == {"status": "SENT", "claimed_by": ""}
    counters = await Campaign.select(Campaign.sent_count, Campaign.pending_count).first()
    assert counters == {"sent_count": 1, "pending_count": 0}  # counted once
