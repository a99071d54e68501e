"""Test send: the rendered message goes to one number through the real client and the sandbox; counters stay."""

from __future__ import annotations

from typing import Any

from models.statuses import CampaignStatus
from models.tables import Campaign
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html


async def _campaign(user: Any, sandbox: Any) -> Campaign:
    instance = await make_instance(
        user.id, server_url=sandbox.url, api_key=sandbox.api_key, instance_name=sandbox.instance
    )
    rows = [
        {"phone": "5511987650001", "variables": {"Nome": "Ana"}},
        {"phone": "5511987650002", "variables": {"Nome": "Bia"}},
    ]
    return await make_campaign(
        user.id, instance.id, recipients=rows, message="Olá {{Nome}}!", status=CampaignStatus.DRAFT
    )


async def _post(client: Any, campaign: Campaign, phone: str) -> Any:
    page = f"/campaigns/{campaign.id}"
    token = html(await client.get(page)).select_one('input[name="_csrf_token"]')["value"]
    return await client.post(
        f"{page}/test-send", data={"phone": phone}, headers={"HX-Request": "true", "x-csrftoken": token}
    )


async def test_test_send_renders_for_that_recipient_and_reaches_the_sandbox(client, login, make_user, sandbox) -> None:
    user = await make_user()
    campaign = await _campaign(user, sandbox)
    await login(user)
    response = await _post(client, campaign, "+55 11 98765-0002")
    result = html(response).select_one("#test-send-result")
    assert result["data-ok"] == "true", result.get_text()
    assert html(response).select_one("#test-send-preview").get_text() == "Olá Bia!"
    sent = [m for m in sandbox.messages() if "5511987650002" in str(m)]
    assert len(sent) == 1


async def test_test_send_does_not_touch_the_campaign(client, login, make_user, sandbox) -> None:
    user = await make_user()
    campaign = await _campaign(user, sandbox)
    await login(user)
    await _post(client, campaign, "5511912345678")
    after = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (after.status, after.pending_count, after.sent_count, after.total_recipients) == ("DRAFT", 2, 0, 2)


async def test_test_send_to_a_number_not_on_whatsapp_says_why(client, login, make_user, sandbox) -> None:
    user = await make_user()
    campaign = await _campaign(user, sandbox)
    sandbox.set_knobs(not_on_whatsapp=["5511912345678"])
    await login(user)
    result = html(await _post(client, campaign, "5511912345678")).select_one("#test-send-result")
    assert result["data-ok"] == "false"
    assert result.get_text(strip=True).startswith("Not sent to +5511912345678:")


async def test_test_send_to_an_invalid_number_is_refused(client, login, make_user, sandbox) -> None:
    user = await make_user()
    campaign = await _campaign(user, sandbox)
    await login(user)
    result = html(await _post(client, campaign, "12")).select_one("#test-send-result")
    assert result["data-ok"] == "false" and result.get_text(strip=True) == "“12”: too short."
    assert sandbox.messages() == []
