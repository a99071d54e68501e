"""The jobs and the stop flag: scheduled campaigns start from a sweep, a stop releases unsent claims."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from scheduler import jobs
from scheduler.evolution import EvolutionClient
from scheduler.lifespan import SenderAlreadyRunning, acquire_sender_lock, release_sender_lock
from settings import load_settings
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import dispatcher, phones, sandbox_instance


@pytest.fixture
async def evolution():
    async with EvolutionClient(read_timeout=0.5) as client:
        yield client


async def test_the_sweep_starts_a_scheduled_campaign_whose_time_has_come(db, sandbox, clock, evolution, make_user):
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    due = await make_campaign(
        owner.id,
        instance.id,
        recipients=recipient_rows(phones(1)),
        status=CampaignStatus.SCHEDULED,
        scheduled_for=clock.now() - timedelta(hours=2),
    )
    later = await make_campaign(
        owner.id,
        instance.id,
        recipients=recipient_rows(phones(1, 50)),
        status=CampaignStatus.SCHEDULED,
        scheduled_for=clock.now() + timedelta(minutes=5),
    )
    sender = jobs.Sender(client=evolution, clock=clock, dispatcher=dispatcher(clock, evolution), lease=120)
    await jobs.start_due_campaigns(sender)
    statuses = {c.id: (await Campaign.objects().get(Campaign.id == c.id)).status for c in (due, later)}
    assert statuses == {due.id: CampaignStatus.RUNNING, later.id: CampaignStatus.SCHEDULED}


async def test_a_stop_during_the_wait_for_a_slot_releases_the_claim_without_spending_an_attempt(
    db, sandbox, clock, evolution, make_user
):
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(1)), status=CampaignStatus.RUNNING
    )
    sender = dispatcher(clock, evolution)

    async def stop_while_waiting(_: datetime) -> None:
        sender.stopping.set()

    sender.sleep_until = stop_while_waiting
    await sender.run_pass()
    message: Any = await CampaignMessage.objects().get(CampaignMessage.campaign == campaign.id)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    assert sandbox.requests() == []


def test_the_sqlite_sender_lock_refuses_a_second_holder(tmp_path):
    settings = load_settings(environ={}, database_url=f"sqlite:///{tmp_path}/a.sqlite3", secret_key="k" * 32)
    first = acquire_sender_lock(settings)
    try:
        with pytest.raises(SenderAlreadyRunning, match="only one process may send"):
            acquire_sender_lock(settings)
    finally:
        release_sender_lock(first)
    release_sender_lock(acquire_sender_lock(settings))
