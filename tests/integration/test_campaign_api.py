"""JSON API for campaigns: create with inline recipients, read, update, delete, and every validation rule."""

from __future__ import annotations

import pytest

from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.integration.api_helpers import api_caller, error_fields


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def test_create_answers_201_with_the_campaign_and_its_import_report(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["status"], body["instanceId"]) == ("Black Friday", "DRAFT", caller.instance_id)
    assert (body["totalRecipients"], body["pendingCount"], body["importReport"]["imported"]) == (3, 3, 3)
    assert await CampaignMessage.count().where(CampaignMessage.campaign == body["id"]) == 3


async def test_create_with_a_future_schedule_is_scheduled_and_stored_in_utc(client, caller):
    body = caller.body(scheduledFor="2026-01-06T09:00:00-03:00")
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "SCHEDULED"
    assert response.json()["scheduledFor"] == "2026-01-06T12:00:00+00:00"


async def test_a_schedule_in_the_past_is_refused(client, caller):
    body = caller.body(scheduledFor="2026-01-05T11:59:00Z")
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert error_fields(response) == {"scheduledFor": "The schedule must be in the future."}


async def test_an_empty_name_is_refused_and_nothing_is_written(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(name="  "), headers=caller.headers)
    assert error_fields(response) == {"name": "The name is required."}
    assert await Campaign.count() == 0 and await CampaignMessage.count() == 0


async def test_a_name_over_200_characters_is_refused(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(name="x" * 201), headers=caller.headers)
    assert "name" in error_fields(response)


@pytest.mark.parametrize("rate", [0, 61])
async def test_a_rate_outside_1_to_60_is_refused(client, caller, rate):
    response = await client.post("/api/campaigns", json=caller.body(rateLimit=rate), headers=caller.headers)
    assert error_fields(response) == {"rateLimit": "The rate must be between 1 and 60 messages per minute."}


@pytest.mark.parametrize("retries", [-1, 11])
async def test_a_retry_limit_outside_0_to_10_is_refused(client, caller, retries):
    response = await client.post("/api/campaigns", json=caller.body(maxRetries=retries), headers=caller.headers)
    assert list(error_fields(response)) == ["maxRetries"]


async def test_a_message_over_4096_characters_is_refused(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(message="a" * 4097), headers=caller.headers)
    assert error_fields(response) == {"message": "The message has 4097 characters; WhatsApp allows 4096."}


async def test_a_message_of_exactly_4096_characters_is_accepted(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(message="a" * 4096), headers=caller.headers)
    assert response.status_code == 201, response.text


async def test_no_message_and_no_media_is_refused(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(message=""), headers=caller.headers)
    assert list(error_fields(response)) == ["message"]


async def test_media_alone_is_enough(client, caller):
    body = caller.body(message="", mediaUrl="https://example.com/a.jpg", mediaType="image")
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    assert (response.json()["mediaUrl"], response.json()["mediaType"]) == ("https://example.com/a.jpg", "image")


@pytest.mark.parametrize(
    ("url", "kind", "field"),
    [("ftp://example.com/a.jpg", "image", "mediaUrl"), ("https://example.com/a", "sticker", "mediaType")],
)
async def test_bad_media_is_refused(client, caller, url, kind, field):
    response = await client.post(
        "/api/campaigns", json=caller.body(mediaUrl=url, mediaType=kind), headers=caller.headers
    )
    assert list(error_fields(response)) == [field]


async def test_a_missing_instance_is_refused(client, caller):
    body = caller.body()
    del body["instanceId"]
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert list(error_fields(response)) == ["instanceId"]


async def test_another_users_instance_is_not_found(client, caller, make_user):
    other = await make_user()
    foreign = await make_instance(other.id)
    response = await client.post("/api/campaigns", json=caller.body(instanceId=foreign.id), headers=caller.headers)
    assert response.status_code == 404
    assert await Campaign.count() == 0


async def test_zero_recipients_are_refused(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(recipients=[]), headers=caller.headers)
    assert error_fields(response) == {"recipients": "Give at least 1 recipient."}


async def test_only_bad_phones_leave_no_campaign_behind(client, caller):
    body = caller.body(recipients=[{"phone": "12"}, {"phone": "not a phone"}])
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert list(error_fields(response)) == ["recipients"]
    assert "row 1" in response.json()["errors"][0]["message"]
    assert await Campaign.count() == 0


async def test_a_bad_phone_among_good_ones_is_reported_with_its_row(client, caller):
    body = caller.body(recipients=[{"phone": "+55 11 98888-0001"}, {"phone": "12"}])
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    report = response.json()["importReport"]
    assert (report["imported"], [s["row"] for s in report["skipped"]]) == (1, [2])


async def test_a_template_supplies_the_message(client, caller):
    created = await client.post("/api/templates", json={"name": "Promo", "body": "Hi {{name}}"}, headers=caller.headers)
    body = caller.body(message="", templateId=created.json()["id"])
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert (response.json()["message"], response.json()["templateId"]) == ("Hi {{name}}", created.json()["id"])


async def test_get_answers_the_campaign_in_camel_case(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id, recipients=recipient_rows(["5511988880001"]))
    response = await client.get(f"/api/campaigns/{campaign.id}", headers=caller.headers)
    assert response.status_code == 200
    assert {"id", "instanceId", "templateId", "totalRecipients", "pendingCount", "rateLimit", "maxRetries"} <= set(
        response.json()
    )


async def test_unauthenticated_calls_answer_401(client):
    assert (await client.get("/api/campaigns")).status_code == 401


async def test_update_changes_only_the_fields_sent(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    response = await client.put(f"/api/campaigns/{campaign.id}", json={"rateLimit": 30}, headers=caller.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["rateLimit"], response.json()["name"]) == (30, "Black Friday")


async def test_update_with_a_schedule_makes_a_draft_scheduled_and_null_makes_it_draft_again(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    url = f"/api/campaigns/{campaign.id}"
    scheduled = await client.put(url, json={"scheduledFor": "2026-02-01T10:00:00Z"}, headers=caller.headers)
    unscheduled = await client.put(url, json={"scheduledFor": None}, headers=caller.headers)
    assert (scheduled.json()["status"], unscheduled.json()["status"]) == ("SCHEDULED", "DRAFT")


async def test_update_of_a_running_campaign_is_409_naming_the_status(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id, status=CampaignStatus.RUNNING)
    response = await client.put(f"/api/campaigns/{campaign.id}", json={"name": "x"}, headers=caller.headers)
    assert (response.status_code, response.json()["detail"]) == (409, "Cannot edit a campaign that is Running.")


async def test_update_validates_like_create(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    response = await client.put(f"/api/campaigns/{campaign.id}", json={"rateLimit": 0}, headers=caller.headers)
    assert list(error_fields(response)) == ["rateLimit"]


async def test_delete_removes_the_campaign_and_its_recipients(client, caller):
    campaign = await make_campaign(caller.user.id, caller.instance_id, recipients=recipient_rows(["5511988880001"]))
    response = await client.delete(f"/api/campaigns/{campaign.id}", headers=caller.headers)
    assert response.status_code == 204
    assert await Campaign.count() == 0 and await CampaignMessage.count() == 0


@pytest.mark.parametrize("status", [CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.SCHEDULED])
async def test_delete_of_a_live_campaign_is_409_naming_the_status(client, caller, status):
    campaign = await make_campaign(caller.user.id, caller.instance_id, status=status)
    response = await client.delete(f"/api/campaigns/{campaign.id}", headers=caller.headers)
    said = f"Cannot delete a campaign that is {status.title()}."  # the status in the English catalogue's word
    assert (response.status_code, response.json()["detail"]) == (409, said)
    assert await Campaign.count() == 1


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("GET", "", None), ("PUT", "", {"name": "mine now"}), ("DELETE", "", None)],
)
async def test_another_users_campaign_is_404_on_every_route(client, caller, make_user, method, suffix, body):
    other = await make_user()
    campaign = await make_campaign(other.id, None)
    response = await client.request(method, f"/api/campaigns/{campaign.id}{suffix}", json=body, headers=caller.headers)
    assert response.status_code == 404
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).name == "Black Friday"


async def test_update_to_another_users_instance_is_not_found_and_changes_nothing(client, caller, make_user):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    foreign = await make_instance((await make_user()).id)
    response = await client.put(
        f"/api/campaigns/{campaign.id}", json={"instanceId": foreign.id}, headers=caller.headers
    )
    assert response.status_code == 404
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).instance == caller.instance_id


async def test_unknown_fields_are_refused(client, caller):
    response = await client.post("/api/campaigns", json=caller.body(owner=99), headers=caller.headers)
    assert response.status_code == 400
    assert await Campaign.count() == 0


async def test_a_session_cookie_alone_cannot_create_through_the_api(client, caller, login):
    await login(caller.user)
    response = await client.post("/api/campaigns", json=caller.body())
    assert response.status_code == 403


async def test_renaming_a_scheduled_campaign_whose_time_just_passed_keeps_its_schedule(client, caller, clock):
    campaign = await make_campaign(
        caller.user.id, caller.instance_id, status=CampaignStatus.SCHEDULED, scheduled_for=clock.now()
    )
    clock.advance(30)
    response = await client.put(f"/api/campaigns/{campaign.id}", json={"name": "Renamed"}, headers=caller.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["status"]) == ("Renamed", "SCHEDULED")


async def test_moving_a_schedule_into_the_past_is_refused(client, caller, clock):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    past = (clock.now().replace(year=2025)).isoformat()
    response = await client.put(f"/api/campaigns/{campaign.id}", json={"scheduledFor": past}, headers=caller.headers)
    assert list(error_fields(response)) == ["scheduledFor"]
