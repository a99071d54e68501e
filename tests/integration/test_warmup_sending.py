"""Warm-up held by the sender (issue 13 item 4) with ARAUTO_WARMUP_SCHEDULE=3,5: a new number's cap follows the
schedule day by day, halves for the rest of the day when its last sends fail too often, and the instance API and
the campaign say why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.web import settings_for_tests
from tests.integration.api_helpers import api_caller
from tests.integration.test_pacing_sender import run_for, waiting_of
from tests.sending_helpers import dispatcher, phones, sandbox_instance


@pytest.fixture
def settings(db, tmp_path):
    return settings_for_tests(db, media_dir=str(tmp_path / "media"), warmup_schedule="3,5")



async def warming(caller: Any, sandbox: Any, started_days_ago: int, now: Any) -> Any:
    return await sandbox_instance(
        caller.user.id,
        sandbox,
        daily_cap=100,
        warmup=True,
        warmup_started_at=(now - timedelta(days=started_days_ago)).date(),
    )


async def test_warmup_caps_hold_day_by_day_then_the_configured_cap(
    db, sandbox, clock, evolution, client, settings, make_user
):
    caller = await api_caller(make_user)
    instance = await warming(caller, sandbox, 0, clock.now())
    campaign = await make_campaign(
        caller.user.id,
        instance.id,
        recipients=recipient_rows(phones(20)),
        status=CampaignStatus.RUNNING,
        rate_limit=60,
    )
    sender = dispatcher(clock, evolution, horizon=1.0, pacing=settings.pacing)
    shown = (await client.get(f"/api/instances/{instance.id}", headers=caller.headers)).json()
    assert (shown["capToday"], shown["capTodayReason"]) == (3, "warm-up day 1: 3 of 100")
    await run_for(sender, clock, 20, step=1)
    assert len(sandbox.messages()) == 3
    assert await waiting_of(client, caller, campaign.id) == ("warmup", "2026-01-06T00:00:00+00:00")
    clock.current = clock.now().replace(hour=0, minute=0, second=0) + timedelta(days=1)
    await run_for(sender, clock, 20, step=1)
    assert len(sandbox.messages()) == 8  # day 2: 5 more
    clock.advance(days=1)
    await run_for(sender, clock, 20, step=1)  # day 3: past the schedule, the number's own cap of 100
    done = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (done.status, done.sent_count) == (CampaignStatus.COMPLETED.value, 20)


async def test_a_high_failure_rate_halves_the_warmup_cap_for_the_rest_of_the_day(
    db, sandbox, clock, evolution, client, settings, make_user
):
    caller = await api_caller(make_user)
    instance = await warming(caller, sandbox, 1, clock.now())  # day 2: cap 5
    failed = await make_campaign(
        caller.user.id,
        instance.id,
        recipients=[{"phone": p, "status": MessageStatus.FAILED} for p in phones(10, 900)]
        + [{"phone": p, "status": MessageStatus.SENT} for p in phones(20, 950)],
        status=CampaignStatus.COMPLETED,
    )
    await CampaignMessage.update({CampaignMessage.instance_id: instance.id}).where(
        CampaignMessage.campaign == failed.id
    )
    campaign = await make_campaign(
        caller.user.id, instance.id, recipients=recipient_rows(phones(10)), status=CampaignStatus.RUNNING
    )
    sender = dispatcher(clock, evolution, horizon=1.0, pacing=settings.pacing)
    await run_for(sender, clock, 20, step=1)  # 10 failed of the last 30: 33 % >= 20 %
    assert len(sandbox.messages()) == 2
    halved = await Instance.objects().get(Instance.id == instance.id)
    assert halved.warmup_halved_day == clock.now().date()
    shown = (await client.get(f"/api/instances/{instance.id}", headers=caller.headers)).json()
    assert shown["capTodayReason"] == "warm-up day 2: 2 of 100, halved for a high failure rate"
    assert await waiting_of(client, caller, campaign.id) == ("warmup", "2026-01-06T00:00:00+00:00")


async def test_the_instance_pages_show_todays_warmup_cap_and_why(db, sandbox, clock, client, login, make_user):
    user = await make_user()
    instance = await sandbox_instance(
        user.id, sandbox, daily_cap=100, warmup=True, warmup_started_at=clock.now().date()
    )
    await login(user)
    listing = (await client.get("/instances")).text
    assert "warm-up day 1: 3 of 100" in listing
    form = (await client.get(f"/instances/{instance.id}/edit")).text
    assert "warm-up day 1: 3 of 100" in form and 'name="warmup"' in form
