"""A PAUSED campaign takes a new message and rate (pages, API, and the sender after resume); retry-failed offers
and moves only the failures a retry can reach."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup

from models.accounts.users import create_api_token
from models.campaigns import lifecycle
from models.errors import IllegalTransition
from models.recipients.campaign_table import retry_failed
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form
from tests.sending_helpers import dispatcher, phones, run_until_done, sandbox_instance


async def _auth(user_id: int, clock: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_token(user_id, 'test', now=clock.now())}"}


def _form_fields(page: BeautifulSoup) -> dict[str, str]:
    """What a browser would submit from #campaign-form as drawn."""
    form = page.select_one("#campaign-form")
    fields = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}
    fields.update({str(t["name"]): t.get_text() for t in form.select("textarea[name]")})
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]")
        fields[str(select["name"])] = str(chosen["value"]) if chosen else ""
    return fields


async def test_the_api_changes_message_and_rate_of_a_paused_campaign(client, make_user, clock) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, status=CampaignStatus.PAUSED)
    response = await client.put(
        f"/api/campaigns/{campaign.id}",
        json={"message": "New text {{name}}", "rateLimit": 7},
        headers=await _auth(user.id, clock),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["message"], body["rateLimit"]) == ("PAUSED", "New text {{name}}", 7)


async def test_the_api_refuses_other_fields_of_a_paused_campaign_naming_them(client, make_user, clock) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, status=CampaignStatus.PAUSED)
    response = await client.put(
        f"/api/campaigns/{campaign.id}", json={"name": "Renamed", "message": "x"}, headers=await _auth(user.id, clock)
    )
    assert response.status_code == 409
    refusal = "While a campaign is PAUSED only its message, rate and pacing can change, not: name."
    assert response.json()["detail"] == refusal
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).message == "Hello {{name}}!"


async def test_the_api_still_refuses_editing_a_running_campaign(client, make_user, clock) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, status=CampaignStatus.RUNNING)
    response = await client.put(
        f"/api/campaigns/{campaign.id}", json={"rateLimit": 5}, headers=await _auth(user.id, clock)
    )
    assert (response.status_code, response.json()["detail"]) == (409, "Cannot edit a campaign that is Running.")


async def test_the_edit_form_of_a_paused_campaign_saves_message_and_rate(client, login, make_user, clock) -> None:
    user = await make_user()
    await login(user)
    instance = await make_instance(user.id)
    campaign = await make_campaign(
        user.id, instance.id, status=CampaignStatus.PAUSED, scheduled_for=clock.now() - timedelta(hours=2, seconds=17)
    )
    edit = f"/campaigns/{campaign.id}/edit"
    page = html(await client.get(edit))
    assert page.select_one("#paused-edit-note") is not None
    fields = {**_form_fields(page), "message": "Paused edit {{name}}", "rate_limit": "9"}
    response = await post_form(client, edit, fields, page=edit)
    assert (response.status_code, response.headers["location"]) == (303, f"/campaigns/{campaign.id}")
    saved = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (saved.status, saved.message, saved.rate_limit) == ("PAUSED", "Paused edit {{name}}", 9)


async def test_the_header_of_a_paused_campaign_offers_edit_but_not_upload(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, status=CampaignStatus.PAUSED)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one("#edit-campaign").get_text(strip=True) == "Edit message, rate and pacing"
    assert page.select_one("#upload-recipients") is None


async def test_messages_sent_after_resume_carry_the_message_edited_while_paused(
    db, sandbox, clock, evolution, make_user, client
) -> None:
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    campaign = await make_campaign(
        user.id,
        instance.id,
        recipients=recipient_rows(phones(3), {"name": "Ana"}),
        status=CampaignStatus.PAUSED,
        message="Old {{name}}",
    )
    response = await client.put(
        f"/api/campaigns/{campaign.id}", json={"message": "New {{name}}"}, headers=await _auth(user.id, clock)
    )
    assert response.status_code == 200
    await lifecycle.apply(campaign.id, "resume", owner_id=user.id, now=clock.now())
    await run_until_done(dispatcher(clock, evolution), clock)
    sends = [r["body"]["text"] for r in sandbox.requests() if r["path"].startswith("/message/send")]
    assert sends == ["New Ana"] * 3


async def _finished_with_failures(user_id: int, errors: list[str]) -> Campaign:
    instance = await make_instance(user_id)
    rows = [{"phone": f"5511966600{n:03d}", "status": MessageStatus.FAILED} for n in range(len(errors))]
    rows.append({"phone": "5511966609999", "status": MessageStatus.SENT})
    campaign = await make_campaign(user_id, instance.id, recipients=rows, status=CampaignStatus.COMPLETED)
    for n, error in enumerate(errors):
        await CampaignMessage.update({CampaignMessage.error: error}).where(
            CampaignMessage.phone == f"5511966600{n:03d}"
        )
    return campaign


async def test_the_retry_card_counts_only_failures_a_retry_can_reach(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    errors = ["5511966600000 is not on WhatsApp", "5511966600001 is not on WhatsApp", "Timed out (read timeout)"]
    campaign = await _finished_with_failures(user.id, errors)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one("#retry-count")["data-retryable"] == "1"
    assert (
        page.select_one("#retry-excluded").get_text(strip=True)
        == "2 others are not on WhatsApp: a retry cannot reach them."
    )
    response = await post_form(
        client, f"/campaigns/{campaign.id}/recipients/retry", {}, page=f"/campaigns/{campaign.id}"
    )
    assert response.status_code == 303
    rows = await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status).order_by(CampaignMessage.id)
    assert [row["status"] for row in rows] == ["FAILED", "FAILED", "PENDING", "SENT"]
    saved = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (saved.status, saved.failed_count, saved.pending_count) == ("PAUSED", 2, 1)


async def test_retry_is_not_offered_when_no_failure_can_succeed(
    db, sandbox, clock, evolution, make_user, client, login
):
    user = await make_user()
    sandbox.set_knobs(not_on_whatsapp=[phones(1)[0]])
    instance = await sandbox_instance(user.id, sandbox)
    campaign = await make_campaign(
        user.id,
        instance.id,
        recipients=recipient_rows(phones(2), {"name": "Ana"}),
        status=CampaignStatus.RUNNING,
        rate_limit=60,
    )
    await run_until_done(dispatcher(clock, evolution), clock)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one('[data-counter="failed"] .value').get_text(strip=True) == "1"
    assert page.select_one("#retry-failed") is None
    with pytest.raises(IllegalTransition, match="no failed recipients that a retry could reach"):
        await retry_failed(campaign.id, owner_id=user.id, now=clock.now())
