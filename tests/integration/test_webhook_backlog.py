"""Webhook events stored but not applied are applied by the backlog job: a STOP whose first application failed is
not lost, applying an event twice changes nothing, and a pass is bounded per event and per run."""

from __future__ import annotations

from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from models.inbound import OPTED_OUT, backlog, replies
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut, WebhookEvent
from scheduler import jobs, lifespan
from scheduler.evolution import EvolutionClient
from settings import load_settings
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.sending_helpers import counters_match_statuses, dispatcher
from tests.webhooks import KEY_ID, PHONE, campaign_row, example, message_row, post_event, receipt, stored_events

STOP = "messages-upsert.stop-reply"


@pytest.fixture
async def owner(make_user):
    return await make_user()


@pytest.fixture
async def instance(owner):
    return await make_instance(owner.id)


@pytest.fixture
async def sender(clock):
    async with EvolutionClient(read_timeout=0.5) as client:
        yield jobs.Sender(client=client, clock=clock, dispatcher=dispatcher(clock, client), lease=120)


@pytest.fixture
def broken_opt_outs(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Recording an opt-out fails with a real database error (a statement on a missing table), inside the apply."""

    async def failing(*args: Any, **kwargs: Any) -> None:
        await OptOut.raw("INSERT INTO arauto_missing_table (id) VALUES (1)")

    monkeypatch.setattr(replies, "record_opt_out", failing)
    return monkeypatch


async def snapshot() -> tuple[Any, ...]:
    """Everything an event can change: messages, counters, opt-outs and the events themselves."""
    return (
        await CampaignMessage.select().order_by(CampaignMessage.id),
        await Campaign.select().order_by(Campaign.id),
        await OptOut.select().order_by(OptOut.id),
        await stored_events(),
    )


async def test_a_stop_whose_first_application_failed_is_applied_by_the_job_and_a_second_run_changes_nothing(
    client, owner, instance, sender, broken_opt_outs
) -> None:
    first = await make_campaign(owner.id, instance.id, recipients=recipient_rows([PHONE, "5511900000001"]))
    second = await make_campaign(owner.id, None, recipients=recipient_rows([PHONE]), status=CampaignStatus.PAUSED)
    response = await post_event(client, instance, example(STOP))
    assert (response.status_code, response.json()["detail"]) == (200, "stored")
    (event,) = await stored_events()
    assert (event["processed_at"], event["apply_attempts"]) == (None, 1)
    assert "arauto_missing_table" in event["apply_error"]
    assert await OptOut.count() == 0 and (await message_row(first.id))["status"] == MessageStatus.PENDING

    broken_opt_outs.undo()
    await jobs.apply_webhook_backlog(sender)
    assert await OptOut.select(OptOut.phone, OptOut.source) == [{"phone": PHONE, "source": "reply"}]
    for campaign in (first, second):
        assert (await message_row(campaign.id))["status"] == MessageStatus.SKIPPED
        assert (await message_row(campaign.id))["error"] == OPTED_OUT
        row, by_status = await counters_match_statuses(campaign.id)
        assert row == by_status and row["skipped"] == 1
    assert (await stored_events())[0]["processed_at"] is not None

    before = await snapshot()
    await jobs.apply_webhook_backlog(sender)
    assert await snapshot() == before


@pytest.mark.parametrize("body", [example(STOP), receipt("DELIVERY_ACK")], ids=["stop reply", "delivery receipt"])
async def test_an_event_applied_twice_changes_nothing(client, clock, owner, instance, body) -> None:
    rows = [{"phone": PHONE, "status": MessageStatus.SENT, "evolution_id": KEY_ID}, *recipient_rows(["5511900000001"])]
    campaign = await make_campaign(owner.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    await post_event(client, instance, body)
    applied = await campaign_row(campaign.id), await OptOut.count(), await message_row(campaign.id)
    await WebhookEvent.update({WebhookEvent.processed_at: None}).where(WebhookEvent.id > 0)  # as if the mark was lost
    assert (await backlog.apply_unapplied(now=clock.now())).applied == 1
    assert (await campaign_row(campaign.id), await OptOut.count(), await message_row(campaign.id)) == applied


async def test_a_receipt_that_came_before_its_send_is_applied_by_the_job_once_the_send_is_recorded(
    client, clock, owner, instance
) -> None:
    campaign = await make_campaign(
        owner.id, instance.id, recipients=[{"phone": PHONE, "status": MessageStatus.SENDING}],
        status=CampaignStatus.RUNNING,
    )  # fmt: skip
    await post_event(client, instance, receipt("DELIVERY_ACK"))
    assert (await backlog.apply_unapplied(now=clock.now())).waiting == 1
    await CampaignMessage.update(
        {CampaignMessage.status: MessageStatus.SENT.value, CampaignMessage.evolution_id: KEY_ID}
    ).where(CampaignMessage.campaign == campaign.id)
    await Campaign.update({Campaign.pending_count: 0, Campaign.sent_count: 1}).where(Campaign.id == campaign.id)
    assert (await backlog.apply_unapplied(now=clock.now())).applied == 1
    assert (await message_row(campaign.id))["status"] == MessageStatus.DELIVERED
    assert (await campaign_row(campaign.id))["delivered_count"] == 1


async def test_an_event_that_keeps_failing_is_tried_a_bounded_number_of_times(
    client, clock, owner, instance, broken_opt_outs
) -> None:
    await make_campaign(owner.id, instance.id, recipients=recipient_rows([PHONE]))
    await post_event(client, instance, example(STOP))
    for _ in range(backlog.MAX_APPLY_ATTEMPTS + 2):
        await backlog.apply_unapplied(now=clock.now())
    (event,) = await stored_events()
    assert (event["processed_at"], event["apply_attempts"]) == (None, backlog.MAX_APPLY_ATTEMPTS)
    assert await backlog.apply_unapplied(now=clock.now()) == backlog.BacklogPass()


async def test_a_pass_takes_at_most_its_limit_fewest_tries_first(client, clock, owner, instance) -> None:
    await post_event(client, instance, receipt("READ", key_id="unknown-1"))
    await post_event(client, instance, receipt("READ", key_id="unknown-2"))
    assert (await backlog.apply_unapplied(now=clock.now(), limit=1)).waiting == 1
    assert (await backlog.apply_unapplied(now=clock.now(), limit=1)).waiting == 1
    assert [e["apply_attempts"] for e in await stored_events()] == [2, 2]


async def test_the_backlog_job_runs_with_the_fixed_jobs(db, sender) -> None:
    scheduler = AsyncIOScheduler()
    await lifespan.add_jobs(scheduler, sender, load_settings({}))
    job = scheduler.get_job("apply_webhook_backlog")
    assert job is not None and job.trigger.interval.total_seconds() == lifespan.WEBHOOK_BACKLOG_SECONDS
