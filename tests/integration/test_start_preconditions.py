"""Start's preconditions live in the lifecycle transition: the page, the API and the scheduled sweep are refused alike.

A SCHEDULED campaign that may not run at its time is not started: it goes back to DRAFT, and its page and its
JSON say why (the pause reason), once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from models.accounts.users import create_api_token
from models.campaigns import lifecycle
from models.statuses import CampaignStatus
from models.tables import Campaign
from scheduler import jobs
from scheduler.evolution import EvolutionClient
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form
from tests.sending_helpers import dispatcher

PRECONDITIONS = [
    pytest.param("no recipients", lifecycle.NO_RECIPIENTS, id="no-recipients"),
    pytest.param("no instance", lifecycle.NO_INSTANCE, id="no-instance"),
]


async def _unstartable(owner_id: int, lacking: str, **fields: Any) -> Campaign:
    if lacking == "no instance":
        return await make_campaign(owner_id, None, recipients=recipient_rows(["5511900000001"]), **fields)
    instance = await make_instance(owner_id)
    return await make_campaign(owner_id, instance.id, recipients=[], **fields)


@pytest.fixture
async def sender(clock):
    async with EvolutionClient(read_timeout=0.5) as client:
        yield jobs.Sender(client=client, clock=clock, dispatcher=dispatcher(clock, client), lease=120)


async def _schedule_due(owner_id: int, lacking: str, clock: Any) -> Campaign:
    return await _unstartable(
        owner_id, lacking, status=CampaignStatus.SCHEDULED, scheduled_for=clock.now() - timedelta(minutes=1)
    )


@pytest.mark.parametrize(("lacking", "why"), PRECONDITIONS)
async def test_a_scheduled_campaign_that_may_not_run_is_not_started_and_its_page_says_why(
    client, login, make_user, clock, sender, lacking, why
) -> None:
    user = await make_user()
    campaign = await _schedule_due(user.id, lacking, clock)
    await jobs.start_due_campaigns(sender)
    stored = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (stored.status, stored.started_at, stored.completed_at) == (CampaignStatus.DRAFT, None, None)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one("#campaign-status").get_text(strip=True) == "Draft"
    assert page.select_one(".pause-reason").get_text(strip=True) == lifecycle.NOT_STARTED_BECAUSE[why]
    assert page.select_one('[data-fact="eta"]').get_text(strip=True) == "—"


async def test_the_api_campaign_json_says_why_a_scheduled_campaign_did_not_start(
    client, make_user, clock, sender
) -> None:
    user = await make_user()
    campaign = await _schedule_due(user.id, "no recipients", clock)
    await jobs.start_due_campaigns(sender)
    token = await create_api_token(user.id, "test", now=clock.now())
    body = (await client.get(f"/api/campaigns/{campaign.id}", headers={"Authorization": f"Bearer {token}"})).json()
    assert (body["status"], body["startedAt"]) == ("DRAFT", None)
    assert body["pauseReason"] == lifecycle.NOT_STARTED_BECAUSE[lifecycle.NO_RECIPIENTS]


async def test_the_sweep_reports_a_campaign_that_may_not_run_once_not_on_every_pass(
    make_user, clock, sender, caplog
) -> None:
    user = await make_user()
    campaign = await _schedule_due(user.id, "no recipients", clock)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            await jobs.start_due_campaigns(sender)
            clock.advance(5)
    about = [r for r in caplog.records if r.name == "arauto.jobs" and str(campaign.id) in r.getMessage()]
    assert [r.levelno for r in about] == [logging.WARNING]
    assert about[0].getMessage().endswith(lifecycle.NOT_STARTED_BECAUSE[lifecycle.NO_RECIPIENTS])


@pytest.mark.parametrize(("lacking", "why"), PRECONDITIONS)
async def test_the_page_the_api_and_the_sweep_are_refused_with_the_same_reason(
    client, login, make_user, clock, sender, lacking, why
) -> None:
    user = await make_user()
    await login(user)
    on_page, on_api = await _unstartable(user.id, lacking), await _unstartable(user.id, lacking)
    page = f"/campaigns/{on_page.id}"
    await post_form(client, f"{page}/actions", {"action": "start"}, page)
    flashes = [p.get_text(strip=True) for p in html(await client.get(page)).select(".flash-error")]
    token = await create_api_token(user.id, "test", now=clock.now())
    api = await client.post(
        f"/api/campaigns/{on_api.id}/actions", json={"action": "start"}, headers={"Authorization": f"Bearer {token}"}
    )
    swept = await _schedule_due(user.id, lacking, clock)
    await jobs.start_due_campaigns(sender)
    reason = (await Campaign.objects().get(Campaign.id == swept.id)).pause_reason
    assert flashes == [why]
    assert (api.status_code, api.json()["detail"]) == (409, why)
    assert reason == lifecycle.NOT_STARTED_BECAUSE[why]
    statuses = await Campaign.select(Campaign.status).where(Campaign.id.is_in([on_page.id, on_api.id, swept.id]))
    assert {row["status"] for row in statuses} == {CampaignStatus.DRAFT}


async def test_a_resume_is_refused_too_when_the_campaign_lost_its_instance(make_user, clock) -> None:
    user = await make_user()
    campaign = await make_campaign(
        user.id, None, recipients=recipient_rows(["5511900000001"]), status=CampaignStatus.PAUSED
    )
    with pytest.raises(lifecycle.NotStartable, match="without a WhatsApp instance"):
        await lifecycle.apply(campaign.id, lifecycle.Action.RESUME, owner_id=user.id, now=clock.now())
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.PAUSED


async def test_an_edit_clears_the_note_about_a_missed_schedule(client, login, make_user, clock, sender) -> None:
    user = await make_user()
    campaign = await _schedule_due(user.id, "no recipients", clock)
    await jobs.start_due_campaigns(sender)
    await login(user)
    edit = f"/campaigns/{campaign.id}/edit"
    form = html(await client.get(edit)).select_one("#campaign-form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[name]") if i.get("type") != "hidden"}
    fields.update({"name": "Renamed", "message": "Hello", "scheduled_for": ""})
    fields["instance_id"] = str(campaign.instance)
    response = await post_form(client, edit, fields, page=edit)
    assert response.status_code == 303, response.text
    stored = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (stored.name, stored.pause_reason) == ("Renamed", "")
