"""POST /api/campaigns/{id}/actions and GET /api/campaigns/{id}/progress, through the in-process app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance, recipient_rows


@pytest.fixture
async def owner(make_user):
    return await make_user()


@pytest.fixture
async def auth(owner, clock):
    token = await create_api_token(owner.id, "test", now=clock.now())
    return {"Authorization": f"Bearer {token}"}


async def draft(owner: Any, **fields: Any) -> Any:
    instance = await make_instance(owner.id)
    return await make_campaign(owner.id, instance.id, recipients=recipient_rows(["5511900000001"]), **fields)


async def test_starting_a_draft_campaign_makes_it_running(client, owner, auth):
    campaign = await draft(owner)
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=auth)
    assert response.status_code == 200
    assert response.json()["status"] == "RUNNING"
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.RUNNING


async def test_pausing_a_draft_campaign_is_refused_with_409(client, owner, auth):
    campaign = await draft(owner)
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "pause"}, headers=auth)
    assert response.status_code == 409
    assert response.json()["detail"] == "Cannot pause a campaign that is Draft."


async def test_an_unknown_action_is_a_400_naming_the_field(client, owner, auth):
    campaign = await draft(owner)
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "explode"}, headers=auth)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["action"]


async def test_acting_on_another_users_campaign_answers_404(client, owner, auth, make_user):
    other = await make_user()
    campaign = await draft(other)
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=auth)
    assert response.status_code == 404
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.DRAFT


async def test_starting_a_campaign_without_recipients_is_refused_with_a_clear_message(client, owner, auth):
    instance = await make_instance(owner.id)
    campaign = await make_campaign(owner.id, instance.id)
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=auth)
    assert response.status_code == 409
    assert "without recipients" in response.json()["detail"]


async def test_starting_a_campaign_without_an_instance_is_refused(client, owner, auth):
    campaign = await make_campaign(owner.id, None, recipients=recipient_rows(["5511900000001"]))
    response = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=auth)
    assert response.status_code == 409
    assert "instance" in response.json()["detail"]


async def test_progress_reports_counters_current_rate_and_eta(client, owner, auth, clock):
    instance = await make_instance(owner.id, rate_per_minute=60)
    rows = recipient_rows([f"55119000000{n:02d}" for n in range(20)])
    for row in rows[:10]:
        row["status"] = MessageStatus.SENT
    campaign = await make_campaign(
        owner.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING, rate_limit=10,
        started_at=clock.now() - timedelta(minutes=10),
    )
    sent_ids = [r["id"] for r in await CampaignMessage.select(CampaignMessage.id).where(
        CampaignMessage.status == MessageStatus.SENT.value
    )]
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(minutes=5)}).where(
        CampaignMessage.id.is_in(sent_ids[:4])
    )
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(seconds=30)}).where(
        CampaignMessage.id.is_in(sent_ids[4:])
    )
    body = (await client.get(f"/api/campaigns/{campaign.id}/progress", headers=auth)).json()
    assert (body["percent"], body["sentCount"], body["pendingCount"]) == (50.0, 10, 10)
    # the ETA is the last of the 10 pending sends on the 6 s grid (54 s) plus the jitter's mean delay (30 % of 6 s / 2)
    assert (body["currentRate"], body["effectiveRate"], body["etaSeconds"]) == (6.0, 10.0, 55)
    assert body["estimatedCompletionAt"] == (clock.now() + timedelta(seconds=54.9)).isoformat()
    assert body["rateLimitedBy"] is None
