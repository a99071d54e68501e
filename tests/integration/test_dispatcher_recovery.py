"""Unclear sends, instance outages and stale claims: reconciled, paused and resumed without spending recipients."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from scheduler.evolution import EvolutionClient
from scheduler.recovery import check_instances, reconcile_stale
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import counters_match_statuses, dispatcher, phones, run_until_done, sandbox_instance


@pytest.fixture
async def evolution():
    async with EvolutionClient(read_timeout=0.3, connect_timeout=0.5) as client:
        yield client


@pytest.fixture
async def owner(make_user):
    return await make_user()


async def one_message_campaign(owner: Any, instance: Any, **fields: Any) -> Any:
    return await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(1)), status=CampaignStatus.RUNNING, **fields
    )


async def message_of(campaign: Any) -> Any:
    return await CampaignMessage.objects().get(CampaignMessage.campaign == campaign.id)


async def test_a_timed_out_send_that_went_out_is_reconciled_as_sent_without_a_resend(
    db, sandbox, clock, evolution, owner
):
    sandbox.set_knobs(timeout_share=1.0, timeout_hold_s=1.0, timeout_records_sent=True)
    campaign = await one_message_campaign(owner, await sandbox_instance(owner.id, sandbox))
    await dispatcher(clock, evolution).run_pass()
    message = await message_of(campaign)
    stored = sandbox.messages()
    assert (message.status, message.evolution_id) == (MessageStatus.SENT, stored[0]["key"]["id"])
    assert len(stored) == 1


async def test_a_timed_out_send_that_never_went_out_goes_back_to_pending_spending_an_attempt(
    db, sandbox, clock, evolution, owner
):
    sandbox.set_knobs(timeout_share=1.0, timeout_hold_s=1.0, timeout_records_sent=False)
    campaign = await one_message_campaign(owner, await sandbox_instance(owner.id, sandbox))
    await dispatcher(clock, evolution).run_pass()
    message = await message_of(campaign)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert message.next_attempt_at > clock.now() - timedelta(seconds=1)


async def test_a_disconnected_instance_pauses_its_campaigns_without_spending_a_recipient(
    db, sandbox, clock, evolution, owner
):
    sandbox.set_state("close")
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(3)), status=CampaignStatus.RUNNING, rate_limit=60
    )
    await dispatcher(clock, evolution).run_pass()
    paused = await Campaign.objects().get(Campaign.id == campaign.id)
    message = (
        await CampaignMessage.objects().where(CampaignMessage.campaign == campaign.id).order_by(CampaignMessage.id)
    )[0]
    assert (paused.status, paused.auto_paused) == (CampaignStatus.PAUSED, True)
    assert "closed" in paused.pause_reason
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)


async def test_a_reconnected_instance_resumes_its_campaigns_and_every_recipient_is_sent_once(
    db, sandbox, clock, evolution, owner
):
    sandbox.set_state("close")
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(3)), status=CampaignStatus.RUNNING, rate_limit=60
    )
    sender = dispatcher(clock, evolution)
    await sender.run_pass()
    sandbox.set_state("open")
    assert await check_instances(evolution, now=clock.now()) == [campaign.id]
    await run_until_done(sender, clock)
    numbers = [r["body"]["number"] for r in sandbox.requests() if r["status"] == 201]
    assert sorted(numbers) == phones(3)
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["sent"] == 3


async def stale_claim(campaign: Any, clock: Any, seconds: float) -> None:
    await CampaignMessage.update(
        {
            CampaignMessage.status: MessageStatus.SENDING.value,
            CampaignMessage.claimed_by: "crashed",
            CampaignMessage.claimed_at: clock.now() - timedelta(seconds=seconds),
        }
    ).where(CampaignMessage.campaign == campaign.id)


async def test_a_stale_claim_that_evolution_has_is_recorded_as_sent_with_its_id(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await one_message_campaign(owner, instance)
    sent = await evolution.send_text(sandbox.address, phones(1)[0], "Hello")
    await stale_claim(campaign, clock, 600)
    tally = await reconcile_stale(evolution, worker="recoverer", now=clock.now(), lease=120)
    message = await message_of(campaign)
    assert tally == {"sent": 1, "pending": 0, "unreachable": 0}
    assert (message.status, message.evolution_id) == (MessageStatus.SENT, sent.key_id)


async def test_a_stale_claim_that_evolution_never_saw_goes_back_to_pending(db, sandbox, clock, evolution, owner):
    campaign = await one_message_campaign(owner, await sandbox_instance(owner.id, sandbox))
    await stale_claim(campaign, clock, 600)
    await reconcile_stale(evolution, worker="recoverer", now=clock.now(), lease=120)
    message = await message_of(campaign)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)


async def test_a_claim_within_its_lease_is_left_alone(db, sandbox, clock, evolution, owner):
    campaign = await one_message_campaign(owner, await sandbox_instance(owner.id, sandbox))
    await stale_claim(campaign, clock, 10)
    tally = await reconcile_stale(evolution, worker="recoverer", now=clock.now(), lease=120)
    assert tally == {"sent": 0, "pending": 0, "unreachable": 0}
    assert (await message_of(campaign)).status == MessageStatus.SENDING
