"""The campaign form's pacing (issue 13): a send window (days, start, end) offered Mon-Sat 09:00-20:00 on a new
campaign, its time zone (the user's by default), an expiry typed in the user's zone, a frequency cap (off by
default); all saved as the API would store them, shown again on edit, and named beside the field when wrong."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from models.tables import Campaign, UserProfile
from tests.factories import make_instance
from tests.fixtures.web import html, post_form
from tests.integration.test_campaign_pages import form_data


@pytest.fixture
async def signed_in(make_user, login):
    user = await make_user()
    await UserProfile.update({UserProfile.timezone: "America/Sao_Paulo"}).where(UserProfile.user == user.id)
    await login(user)
    return user, await make_instance(user.id)


def ticked_days(page) -> list[str]:
    return [box["value"] for box in page.select('input[name="send_window_days"]') if box.has_attr("checked")]


async def test_the_new_form_offers_the_default_window_in_the_users_zone_and_no_cap(client, signed_in) -> None:
    page = html(await client.get("/campaigns/new"))
    assert page.select_one("#send_window").has_attr("checked")
    assert ticked_days(page) == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert (page.select_one("#send_window_start")["value"], page.select_one("#send_window_end")["value"]) == (
        "09:00",
        "20:00",
    )
    assert page.select_one("#timezone")["value"] == "America/Sao_Paulo"
    assert page.select_one("#frequency_cap_hours")["value"] == ""
    assert page.select_one("#expires_date")["value"] == ""


async def test_the_pacing_typed_in_the_form_is_stored_and_shown_again_on_edit(client, signed_in) -> None:
    _user, instance = signed_in
    data = {
        **form_data(instance.id),
        "send_window": "on",
        "send_window_days": ["fri", "sat"],
        "send_window_start": "22:00",
        "send_window_end": "06:00",
        "timezone": "Europe/Lisbon",
        "expires_date": "2026-01-10",
        "expires_time": "18:00",
        "frequency_cap_hours": "48",
    }
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    assert response.status_code == 303
    campaign = await Campaign.objects().first()
    assert json.loads(campaign.send_window) == {"days": ["fri", "sat"], "start": "22:00", "end": "06:00"}
    assert campaign.timezone == "Europe/Lisbon" and campaign.frequency_cap_hours == 48
    assert campaign.expires_at == datetime(2026, 1, 10, 21, 0, tzinfo=UTC)  # 18:00 in São Paulo
    edit = html(await client.get(f"/campaigns/{campaign.id}/edit"))
    assert ticked_days(edit) == ["fri", "sat"] and edit.select_one("#send_window").has_attr("checked")
    assert (edit.select_one("#send_window_start")["value"], edit.select_one("#expires_time")["value"]) == (
        "22:00",
        "18:00",
    )
    assert (edit.select_one("#timezone")["value"], edit.select_one("#frequency_cap_hours")["value"]) == (
        "Europe/Lisbon",
        "48",
    )


async def test_without_the_window_ticked_the_campaign_sends_at_any_time(client, signed_in) -> None:
    _user, instance = signed_in
    data = {**form_data(instance.id), "send_window_days": ["mon"], "timezone": ""}
    assert (await post_form(client, "/campaigns", data, page="/campaigns/new")).status_code == 303
    campaign = await Campaign.objects().first()
    assert campaign.send_window is None and campaign.frequency_cap_hours is None and campaign.expires_at is None
    assert campaign.timezone == "America/Sao_Paulo"  # empty: the user's


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"send_window": "on", "send_window_start": "09:00", "send_window_end": "20:00"}, "send_window"),  # no days
        ({"send_window": "on", "send_window_days": ["mon"], "send_window_start": "25:00"}, "send_window"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"expires_date": "2026-01-10"}, "expires_date"),
        ({"expires_date": "2020-01-10", "expires_time": "10:00"}, "expires_date"),
        ({"frequency_cap_hours": "many"}, "frequency_cap_hours"),
        ({"frequency_cap_hours": "0"}, "frequency_cap_hours"),
    ],
)
async def test_a_wrong_pacing_field_is_named_beside_it(client, signed_in, changes, field) -> None:
    _user, instance = signed_in
    data = {**form_data(instance.id), **changes}
    response = await post_form(client, "/campaigns", data, page="/campaigns/new")
    assert response.status_code == 422, changes
    assert html(response).select_one(f"#{field}-error") is not None, (changes, response.text[:200])
    assert not await Campaign.exists()
