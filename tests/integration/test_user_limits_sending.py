"""A user's daily and monthly limits held by the sender (issue 15 item 3), against the sandbox over real HTTP with a
FakeClock: the sum over all the user's campaigns and numbers, in the user's time zone; at the limit a campaign waits
(no failure, no attempt spent) with the reason and the time it resumes, and alerts fire once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.accounts import alerts
from models.accounts.profile import update_own
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, UserProfile
from tests.factories import make_campaign, recipient_rows
from tests.integration.api_helpers import api_caller
from tests.integration.test_pacing_sender import run_for, sent_before, waiting_of
from tests.sending_helpers import dispatcher, phones, sandbox_instance

SAO_PAULO = "America/Sao_Paulo"



async def limited(caller: Any, *, daily: int | None = None, monthly: int | None = None) -> None:
    await update_own(caller.user.id, timezone=SAO_PAULO, alert_webhook_url="")
    await UserProfile.update({UserProfile.daily_limit: daily, UserProfile.monthly_limit: monthly}).where(
        UserProfile.user == caller.user.id
    )


async def campaigns_on_two_numbers(caller: Any, sandbox: Any, count: int) -> list[Campaign]:
    sandbox.put_instance("two")
    found = []
    for n, name in enumerate((sandbox.instance, "two")):
        instance = await sandbox_instance(caller.user.id, sandbox, instance_name=name)
        found.append(
            await make_campaign(
                caller.user.id,
                instance.id,
                recipients=recipient_rows(phones(count, n * 1000)),
                status=CampaignStatus.RUNNING,
                rate_limit=60,
            )
        )
    return found


async def sent_count() -> int:
    return int(await CampaignMessage.count().where(CampaignMessage.sent_at.is_not_null()))


async def nothing_failed_or_spent() -> bool:
    rows = await CampaignMessage.select(CampaignMessage.status, CampaignMessage.attempts).where(
        CampaignMessage.status.is_in([MessageStatus.PENDING.value, MessageStatus.FAILED.value])
    )
    return all(r["status"] == MessageStatus.PENDING.value and r["attempts"] == 0 for r in rows)


async def test_a_daily_limit_of_30_caps_two_campaigns_of_50_and_resumes_the_next_local_day(
    db, sandbox, clock, evolution, client, make_user
):
    caller = await api_caller(make_user)
    await limited(caller, daily=30)
    first, second = await campaigns_on_two_numbers(caller, sandbox, 50)
    sender = dispatcher(clock, evolution, horizon=1.0)
    await run_for(sender, clock, 60, step=1)  # 09:00 in Sao Paulo: both campaigns at 60/min
    assert await sent_count() == 30 and len(sandbox.messages()) == 30
    counts = [(await Campaign.objects().get(Campaign.id == c.id)).sent_count for c in (first, second)]
    assert sum(counts) == 30 and min(counts) > 0  # across both
    assert await nothing_failed_or_spent()
    tomorrow_in_sao_paulo = "2026-01-06T03:00:00+00:00"
    for campaign in (first, second):
        assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.RUNNING.value
        assert await waiting_of(client, caller, campaign.id) == ("user_daily_limit", tomorrow_in_sao_paulo)
    assert await alerts.check_limits(now=clock.now()) == 2  # 80 % and 100 % of the daily limit
    assert await alerts.check_limits(now=clock.now()) == 0  # once
    clock.current = datetime(2026, 1, 6, 2, 59, tzinfo=UTC)  # 23:59 in Sao Paulo, 02:59 UTC the next day
    await run_for(sender, clock, 30, step=1)
    assert await sent_count() == 30
    clock.current = datetime(2026, 1, 6, 3, 0, tzinfo=UTC)  # midnight in Sao Paulo
    await run_for(sender, clock, 60, step=1)
    assert await sent_count() == 60 and len(sandbox.messages()) == 60


async def test_a_monthly_limit_waits_for_the_first_of_the_next_local_month(
    db, sandbox, clock, evolution, client, make_user
):
    caller = await api_caller(make_user)
    await limited(caller, monthly=40)
    clock.current = datetime(2026, 1, 31, 22, 0, tzinfo=UTC)  # 19:00 on the 31st in Sao Paulo
    instance = await sandbox_instance(caller.user.id, sandbox)
    campaign = await make_campaign(
        caller.user.id,
        instance.id,
        recipients=recipient_rows(phones(60)),
        status=CampaignStatus.RUNNING,
        rate_limit=60,
    )
    sender = dispatcher(clock, evolution, horizon=1.0)
    await run_for(sender, clock, 90, step=1)
    assert await sent_count() == 40 and await nothing_failed_or_spent()
    assert await waiting_of(client, caller, campaign.id) == ("user_monthly_limit", "2026-02-01T03:00:00+00:00")
    clock.current = datetime(2026, 2, 1, 2, 0, tzinfo=UTC)  # already February in UTC, still January there
    await run_for(sender, clock, 10, step=1)
    assert await sent_count() == 40
    clock.current = datetime(2026, 2, 1, 3, 0, 1, tzinfo=UTC)
    await run_for(sender, clock, 30, step=1)
    done = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (done.status, done.sent_count) == (CampaignStatus.COMPLETED.value, 60)


async def test_a_limit_counts_the_sends_made_earlier_that_day(db, sandbox, clock, evolution, make_user):
    caller = await api_caller(make_user)
    instance = await sandbox_instance(caller.user.id, sandbox)
    earlier = clock.now() - timedelta(hours=2)  # 07:00 in Sao Paulo, the same local day
    await sent_before(caller.user.id, instance.id, {phone: earlier for phone in phones(20, 5000)})
    await limited(caller, daily=25)
    campaign = await make_campaign(
        caller.user.id, instance.id, recipients=recipient_rows(phones(10)), status=CampaignStatus.RUNNING
    )
    await run_for(dispatcher(clock, evolution, horizon=1.0), clock, 30, step=1)
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).sent_count == 5
