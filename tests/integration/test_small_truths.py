"""Small truths of the pages: the menu marks the current page, the campaign page shows the message as a recipient
gets it, and the errors above a form link to their fields."""

from __future__ import annotations

from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form
from tests.integration.test_campaign_pages import form_data


async def test_the_menu_marks_the_current_page(client, signed_in_user):
    page = html(await client.get("/opt-outs"))
    assert [a.get_text() for a in page.select('nav a[aria-current="page"]')] == ["Unsubscribed"]


async def test_the_campaign_page_shows_the_message_as_its_first_recipient_gets_it(client, signed_in_user):
    instance = await make_instance(signed_in_user.id)
    recipients = [{"phone": "5511988880001", "variables": {"name": "Ana"}}]
    campaign = await make_campaign(signed_in_user.id, instance.id, recipients=recipients, message="*Oi* {{name}}")
    block = html(await client.get(f"/campaigns/{campaign.id}")).select_one(f"#campaign-{campaign.id}-message")
    message = block.select_one(".bubble .message")
    assert (message.strong.get_text(), message.get_text()) == ("Oi", "Oi Ana")
    assert block.select_one("figcaption").get_text() == "As +5511988880001 gets it"


async def test_errors_above_the_campaign_form_link_to_their_fields(client, signed_in_user):
    instance = await make_instance(signed_in_user.id)
    data = form_data(instance.id, name="", rate_limit="0")
    response = await post_form(client, "/campaigns/", data, page="/campaigns/new")
    assert response.status_code == 422
    page = html(response)
    targets = [a["href"] for a in page.select("#form-errors li a")]
    assert {"#name", "#rate_limit"} <= set(targets)
    assert all(page.select_one(target) is not None for target in targets)
