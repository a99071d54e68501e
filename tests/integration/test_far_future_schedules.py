"""Schedules are bounded to a year ahead, and a far-off instant never breaks a page (issue 10, finding 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.statuses import CampaignStatus
from models.tables import Campaign, UserProfile
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form
from tests.integration.api_helpers import api_caller, error_fields

END_OF_CALENDAR = "9999-12-31T23:59:59-14:00"
WITHIN_A_YEAR = "The schedule must be within a year from now."


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def test_the_api_refuses_a_schedule_at_the_end_of_the_calendar(client, caller):
    body = caller.body(scheduledFor=END_OF_CALENDAR)
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert error_fields(response) == {"scheduledFor": WITHIN_A_YEAR}


async def test_the_api_refuses_a_schedule_more_than_a_year_ahead_on_update(client, caller):
    created = await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)
    campaign_id = created.json()["id"]
    response = await client.put(
        f"/api/campaigns/{campaign_id}", json={"scheduledFor": "2027-02-01T00:00:00Z"}, headers=caller.headers
    )
    assert error_fields(response) == {"scheduledFor": WITHIN_A_YEAR}


async def test_the_api_accepts_a_schedule_eleven_months_ahead(client, caller):
    response = await client.post(
        "/api/campaigns", json=caller.body(scheduledFor="2026-12-05T12:00:00Z"), headers=caller.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "SCHEDULED"


async def test_the_form_refuses_the_last_minute_of_the_calendar_west_of_utc(client, make_user, login):
    user = await make_user()
    await UserProfile.update({UserProfile.timezone: "America/Sao_Paulo"}).where(UserProfile.user == user.id)
    await login(user)
    instance = await make_instance(user.id)
    fields = {"name": "Far", "instance_id": str(instance.id), "message": "Hi", "rate_limit": "20", "max_retries": "3"}
    fields |= {"schedule_date": "9999-12-31", "schedule_time": "23:59"}
    response = await post_form(client, "/campaigns/", fields, page="/campaigns/new")
    assert response.status_code == 422
    assert html(response).select_one("#campaign-form") is not None


async def test_a_stored_far_future_schedule_still_lists_and_edits_for_a_user_at_utc_plus_14(client, make_user, login):
    user = await make_user()
    await UserProfile.update({UserProfile.timezone: "Pacific/Kiritimati"}).where(UserProfile.user == user.id)
    await login(user)
    campaign = await make_campaign(user.id, None, status=CampaignStatus.SCHEDULED)
    far = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    await Campaign.update({Campaign.scheduled_for: far}).where(Campaign.id == campaign.id)
    listing = await client.get("/campaigns")
    assert listing.status_code == 200
    row = html(listing).select_one(f'tr.campaign-row[data-id="{campaign.id}"]')
    assert row.select("td")[3].get_text() == "12/31/99, 11:00\u202fPM"  # at its own offset: +14 has no such day
    edit = await client.get(f"/campaigns/{campaign.id}/edit")
    assert edit.status_code == 200
    assert html(edit).select_one('input[name="schedule_date"]')["value"] == "9999-12-31"
