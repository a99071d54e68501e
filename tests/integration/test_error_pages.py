"""Error pages show user text as text: a `%` in a refused value never reaches a format step (issue 10, finding 6)."""

from __future__ import annotations

import pytest

from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form


@pytest.fixture
async def user(make_user, login):
    user = await make_user()
    await login(user)
    return user


async def test_an_action_with_a_percent_sign_answers_a_400_page_not_a_server_error(client, user):
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id)
    response = await post_form(
        client, f"/campaigns/{campaign.id}/actions", {"action": "50%"}, page=f"/campaigns/{campaign.id}"
    )
    assert response.status_code == 400
    page = html(response).select_one(".error-page")
    assert page.select_one(".error-code").get_text() == "400"
    assert "“50%”" in page.select("p")[1].get_text()  # the refused value, shown as written


async def test_a_search_with_a_plus_and_a_bad_page_answers_a_400_page_not_a_server_error(client, user):
    response = await client.get("/campaigns", params={"search": "+55", "page": "x"})
    assert response.status_code == 400
    assert html(response).select_one(".error-page .error-code").get_text() == "400"
