"""The dispatcher against the sandbox over real HTTP, with time driven by a FakeClock."""

from __future__ import annotations

from typing import Any

import pytest

from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import (
    busiest_window,
    counters_match_statuses,
    dispatcher,
    phones,
    run_until_done,
    sandbox_instance,
    sent_times,
)


@pytest.fixture
async def owner(make_user):
    return await make_user()


async def running_campaign(owner: Any, instance: Any, count: int, **fields: Any) -> Any:
    return await make_campaign(
        owner.id,
        instance.id,
        recipients=recipient_rows(phones(count, fields.pop("start", 0)), {"name": "Ana"}),
        status=CampaignStatus.RUNNING,
        **fields,
    )


async def test_a_full_campaign_completes_with_counters_equal_to_a_count_by_status(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 12, rate_limit=60)
    await run_until_done(dispatcher(clock, evolution), clock)
    row, by_status = await counters_match_statuses(campaign.id)
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.COMPLETED
    assert row == by_status == {"pending": 0, "sent": 12, "failed": 0, "skipped": 0, "total": 12}


async def test_each_recipient_gets_its_rendered_message_exactly_once(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox)
    await running_campaign(owner, instance, 5, rate_limit=60)
    await run_until_done(dispatcher(clock, evolution), clock)
    sends = [r for r in sandbox.requests() if r["path"].startswith("/message/sendText")]
    assert sorted(r["body"]["number"] for r in sends) == phones(5)
    assert {r["body"]["text"] for r in sends} == {"Hello Ana!"}


async def test_no_minute_holds_more_sends_than_the_campaign_rate(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 50, rate_limit=20)
    await run_until_done(dispatcher(clock, evolution), clock, step=0.5)
    times = await sent_times(campaign.id)
    assert busiest_window(times, 60) == 20
    assert abs(busiest_window(times, 120) - 40) <= 1


async def test_three_campaigns_share_the_instance_cap_without_exceeding_it(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox, rate_per_minute=30)
    campaigns = [await running_campaign(owner, instance, 120, rate_limit=60, start=1000 * n) for n in range(3)]
    sender = dispatcher(clock, evolution)
    for _ in range(1200):  # ten fake minutes in half-second steps
        await sender.run_pass()
        clock.advance(0.5)
    times = await sent_times()
    assert busiest_window(times, 60) <= 30
    assert abs(len(times) - 10 * 30) <= 1
    per_campaign = [len(await sent_times(c.id)) for c in campaigns]
    assert max(per_campaign) - min(per_campaign) <= 2


async def test_resuming_after_a_long_pause_sends_no_burst(db, sandbox, clock, evolution, owner):
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 30, rate_limit=10)
    sender = dispatcher(clock, evolution)
    for _ in range(60):
        await sender.run_pass()
        clock.advance(1)
    from models.campaigns import lifecycle

    await lifecycle.apply(campaign.id, "pause", owner_id=owner.id, now=clock.now())
    clock.advance(3600)
    await lifecycle.apply(campaign.id, "resume", owner_id=owner.id, now=clock.now())
    await run_until_done(sender, clock, step=1)
    assert busiest_window(await sent_times(campaign.id), 60) <= 10


async def test_retries_back_off_then_the_message_fails_with_the_last_error(db, sandbox, clock, evolution, owner):
    sandbox.set_knobs(rate_limit_share=1.0, retry_after_s=1)
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 1, max_retries=2)
    await run_until_done(dispatcher(clock, evolution), clock, step=30)
    message = await CampaignMessage.objects().get(CampaignMessage.campaign == campaign.id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert "429" in message.error
    assert len([r for r in sandbox.requests() if r["path"].startswith("/message/send")]) == 3


async def test_a_number_not_on_whatsapp_fails_at_once_with_the_reason(db, sandbox, clock, evolution, owner):
    sandbox.set_knobs(not_on_whatsapp=[phones(1)[0]])
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 2, rate_limit=60)
    await run_until_done(dispatcher(clock, evolution), clock)
    failed = await CampaignMessage.objects().get(CampaignMessage.phone == phones(1)[0])
    assert (failed.status, failed.attempts) == (MessageStatus.FAILED, 1)
    assert failed.error == f"{phones(1)[0]} is not on WhatsApp"
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["failed"] == 1 and row["sent"] == 1


async def test_opted_out_numbers_are_skipped_and_never_sent(db, sandbox, clock, evolution, owner):
    await OptOut(owner=owner.id, phone=phones(1)[0], created_at=clock.now()).save()
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await running_campaign(owner, instance, 3, rate_limit=60)
    await run_until_done(dispatcher(clock, evolution), clock)
    numbers = [r["body"]["number"] for r in sandbox.requests() if r["path"].startswith("/message/send")]
    assert phones(1)[0] not in numbers
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["skipped"] == 1 and row["sent"] == 2
