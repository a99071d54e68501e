"""Campaign pages: the form (new, edit) without JavaScript, 422 with field errors, the list, delete, ownership."""

from __future__ import annotations

import pytest

from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage, MessageTemplate, UserProfile
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form


def form_data(instance_id: int, **changes: str) -> dict[str, str]:
    data = {
        "name": "Black Friday",
        "instance_id": str(instance_id),
        "template_id": "",
        "message": "Hello {{name}}",
        "media_url": "",
        "media_type": "",
        "media_filename": "",
        "rate_limit": "20",
        "max_retries": "3",
        "schedule_date": "",
        "schedule_time": "",
    }
    data.update(changes)
    return data


@pytest.fixture
async def signed_in(make_user, login):
    user = await make_user()
    await login(user)
    instance = await make_instance(user.id)
    return user, instance


async def test_the_new_form_lists_only_the_users_instances(client, signed_in, make_user):
    _user, instance = signed_in
    await make_instance((await make_user()).id, name="Not mine")
    page = html(await client.get("/campaigns/new"))
    options = [o.get_text() for o in page.select("#instance_id option") if o.get("value")]
    assert options == [instance.name]


async def test_a_plain_post_creates_a_draft_and_redirects_303_to_its_page(client, signed_in):
    user, instance = signed_in
    response = await post_form(client, "/campaigns", form_data(instance.id), page="/campaigns/new")
    campaign = await Campaign.objects().first()
    assert (response.status_code, response.headers["location"]) == (303, f"/campaigns/{campaign.id}")
    assert (campaign.status, campaign.owner, campaign.rate_limit) == ("DRAFT", user.id, 20)


async def test_a_schedule_typed_in_the_users_time_zone_is_stored_in_utc(client, signed_in):
    user, instance = signed_in
    await UserProfile.update({UserProfile.timezone: "America/Sao_Paulo"}).where(UserProfile.user == user.id)
    data = form_data(instance.id, schedule_date="2026-01-06", schedule_time="09:30")
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    campaign = await Campaign.objects().first()
    assert response.status_code == 303
    assert campaign.status == "SCHEDULED"
    assert campaign.scheduled_for.isoformat() == "2026-01-06T12:30:00+00:00"


async def test_validation_errors_re_render_the_form_with_422_and_each_fields_message(client, signed_in):
    _, instance = signed_in
    data = form_data(instance.id, name="", rate_limit="0", message="x" * 4097)
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    page = html(response)
    assert response.status_code == 422
    assert page.select_one("#name-error").get_text() == "The name is required."
    assert page.select_one("#rate_limit-error").get_text() == "The rate must be between 1 and 60 messages per minute."
    assert "4097 characters" in page.select_one("#message-error").get_text()
    assert page.select_one("#message").get_text() == "x" * 4097  # what was typed is kept
    assert await Campaign.count() == 0


async def test_a_schedule_in_the_past_shows_its_error_beside_the_date(client, signed_in):
    _, instance = signed_in
    data = form_data(instance.id, schedule_date="2026-01-01", schedule_time="10:00")
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    assert response.status_code == 422
    assert html(response).select_one("#schedule_date-error").get_text() == "The schedule must be in the future."


async def test_a_rate_that_is_not_a_number_is_named(client, signed_in):
    _, instance = signed_in
    response = await post_form(client, "/campaigns", form_data(instance.id, rate_limit="fast"), page="/campaigns/new")
    assert html(response).select_one("#rate_limit-error").get_text() == "Write a whole number."


async def test_without_js_an_empty_message_takes_the_chosen_templates_body(client, signed_in):
    user, instance = signed_in
    template = MessageTemplate(owner=user.id, name="Promo", body="Hi {{name}}", created_at=NOW, updated_at=NOW)
    await template.save()
    data = form_data(instance.id, message="", template_id=str(template.id))
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    assert response.status_code == 303
    assert (await Campaign.objects().first()).message == "Hi {{name}}"


async def test_the_edit_form_is_prefilled_and_saves(client, signed_in):
    user, instance = signed_in
    campaign = await make_campaign(user.id, instance.id, name="Old name")
    page = html(await client.get(f"/campaigns/{campaign.id}/edit"))
    assert page.select_one("#name")["value"] == "Old name"
    data = form_data(instance.id, name="New name")
    response = await post_form(client, f"/campaigns/{campaign.id}/edit", data, page=f"/campaigns/{campaign.id}/edit")
    assert (response.status_code, response.headers["location"]) == (303, f"/campaigns/{campaign.id}")
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).name == "New name"


async def test_editing_a_running_campaign_is_refused_with_a_flash_naming_the_status(client, signed_in):
    user, instance = signed_in
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)
    response = await client.get(f"/campaigns/{campaign.id}/edit", headers={"referer": "/campaigns"})
    assert response.status_code == 303
    flashes = [p.get_text() for p in html(await client.get("/campaigns")).select(".flash-error")]
    assert flashes == ["Cannot edit a campaign that is Running."]


async def test_saving_a_campaign_that_started_meanwhile_is_refused_naming_the_status(client, signed_in):
    user, instance = signed_in
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)
    token_page = "/campaigns/new"
    response = await post_form(client, f"/campaigns/{campaign.id}/edit", form_data(instance.id), page=token_page)
    assert response.status_code == 303
    flashes = [p.get_text() for p in html(await client.get("/campaigns")).select(".flash-error")]
    assert flashes == ["Cannot edit a campaign that is Running."]


async def test_delete_asks_for_confirmation_then_removes_campaign_and_recipients(client, signed_in):
    user, instance = signed_in
    campaign = await make_campaign(user.id, instance.id, recipients=recipient_rows(["5511988880001"]))
    confirm = html(await client.get(f"/campaigns/{campaign.id}/delete"))
    assert confirm.select_one("main form")["action"] == f"/campaigns/{campaign.id}/delete"
    response = await post_form(client, f"/campaigns/{campaign.id}/delete", {}, page=f"/campaigns/{campaign.id}/delete")
    assert (response.status_code, response.headers["location"]) == (303, "/campaigns")
    assert await Campaign.count() == 0 and await CampaignMessage.count() == 0


async def test_deleting_a_running_campaign_flashes_the_status_and_keeps_it(client, signed_in):
    user, instance = signed_in
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)
    response = await post_form(client, f"/campaigns/{campaign.id}/delete", {}, page="/campaigns/new")
    assert response.status_code == 303
    flashes = [p.get_text() for p in html(await client.get("/campaigns")).select(".flash-error")]
    assert flashes == ["Cannot delete a campaign that is Running."]
    assert await Campaign.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/edit"), ("POST", "/edit"), ("GET", "/delete"), ("POST", "/delete")],
)
async def test_another_users_campaign_is_404_on_every_page_route(client, signed_in, make_user, method, path):
    _, instance = signed_in
    other = await make_user()
    campaign = await make_campaign(other.id, None)
    url = f"/campaigns/{campaign.id}{path}"
    if method == "GET":
        response = await client.get(url)
    else:
        response = await post_form(client, url, form_data(instance.id), page="/campaigns/new")
    assert response.status_code == 404
    assert await Campaign.count() == 1


async def test_the_preview_of_another_users_campaign_shows_no_recipient(client, signed_in, make_user):
    _, instance = signed_in
    other = await make_user()
    campaign = await make_campaign(other.id, None, recipients=recipient_rows(["5511988880001"], {"name": "Secret"}))
    data = form_data(instance.id, campaign_id=str(campaign.id))
    response = await post_form(client, "/campaigns/preview", data, page="/campaigns/new")
    assert "Secret" not in html(response).select_one(".bubble .message").get_text()


async def test_the_rate_field_is_bounded_by_the_configured_max_rate(client, signed_in):
    rate = html(await client.get("/campaigns/new")).select_one("#rate_limit")
    assert (rate["min"], rate["max"], rate["value"]) == ("1", "60", "20")
