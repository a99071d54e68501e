"""Redirects after a refused action or a login go only to this site's own paths (finding 12 of issue 10)."""

from __future__ import annotations

import pytest

from models.statuses import CampaignStatus
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import TEST_PASSWORD, csrf_token


@pytest.fixture
async def running_campaign(make_user, login):
    user = await make_user()
    await login(user)
    instance = await make_instance(user.id)
    return await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/campaigns",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
async def test_a_refused_action_never_redirects_to_a_foreign_referer(client, running_campaign, referer) -> None:
    response = await client.get(f"/campaigns/{running_campaign.id}/edit", headers={"referer": referer})
    assert (response.status_code, response.headers["location"]) == (303, "/campaigns")


async def test_a_refused_action_returns_to_the_page_of_this_site_it_came_from(client, running_campaign) -> None:
    came_from = f"http://testserver/campaigns/{running_campaign.id}?tab=recipients"
    response = await client.get(f"/campaigns/{running_campaign.id}/edit", headers={"referer": came_from})
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"/campaigns/{running_campaign.id}?tab=recipients",
    )


@pytest.mark.parametrize("target", ["//evil.example/x", "/\t/evil.example", "https://evil.example", "/\\evil.example"])
async def test_login_never_follows_a_next_that_leaves_the_site(client, make_user, target) -> None:
    user = await make_user()
    token = await csrf_token(client)
    data = {"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token, "next": target}
    response = await client.post("/login", data=data)
    assert (response.status_code, response.headers["location"]) == (303, "/campaigns")
