"""The pre-check where a user meets it: the API's `precheck` and `whatsappJid`, and "Check numbers" before Start."""

from __future__ import annotations

from typing import Any

import pytest

from models.statuses import CampaignStatus
from models.tables import Campaign
from scheduler import precheck
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.web import html
from tests.integration.api_helpers import api_caller
from tests.sending_helpers import sandbox_instance

TYPED = ["5531987654321", "5511988887777", "5511977776666"]  # resolves without the 9, as typed, not on WhatsApp



@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def test_a_campaign_created_through_the_api_checks_numbers_unless_told_not_to(client, caller):
    on = await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)
    off = await client.post("/api/campaigns", json=caller.body(precheck=False), headers=caller.headers)
    assert on.status_code == 201 and off.status_code == 201, off.text
    assert (on.json()["precheck"], off.json()["precheck"]) == (True, False)
    changed = await client.put(f"/api/campaigns/{off.json()['id']}", json={"precheck": True}, headers=caller.headers)
    assert changed.json()["precheck"] is True


async def test_recipients_json_carries_the_resolved_jid_flagged_when_it_differs(
    client, caller, sandbox, evolution, clock
):
    sandbox.set_knobs(not_on_whatsapp=[TYPED[2]])
    instance = await sandbox_instance(caller.user.id, sandbox)
    campaign = await make_campaign(
        caller.user.id, instance.id, recipients=recipient_rows(TYPED), precheck=True, check_requested=True
    )
    await precheck.check_numbers(evolution, now=clock.now())
    response = await client.get(f"/api/campaigns/{campaign.id}/recipients", headers=caller.headers)
    rows = {r["phone"]: (r["whatsappJid"], r["whatsappJidDiffers"], r["status"]) for r in response.json()["items"]}
    assert rows == {
        TYPED[0]: ("553187654321@s.whatsapp.net", True, "PENDING"),
        TYPED[1]: ("5511988887777@s.whatsapp.net", False, "PENDING"),
        TYPED[2]: (None, False, "SKIPPED"),
    }


async def draft(user: Any, sandbox: Any, **fields: Any) -> Any:
    instance = await sandbox_instance(user.id, sandbox)
    return await make_campaign(user.id, instance.id, recipients=recipient_rows(TYPED), **fields)


async def test_check_numbers_before_start_checks_them_and_the_block_shows_progress_until_done(
    client, login, make_user, sandbox, evolution, clock
):
    user = await make_user()
    campaign = await draft(user, sandbox, precheck=False)
    sandbox.set_knobs(not_on_whatsapp=[TYPED[2]])
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    token = page.select_one('input[name="_csrf_token"]')["value"]
    assert page.select_one("#check-numbers") is not None
    posted = await client.post(
        f"/campaigns/{campaign.id}/number-check", headers={"HX-Request": "true", "x-csrftoken": token}
    )
    block = html(posted).select_one(f"#campaign-{campaign.id}-number-check")
    assert block.has_attr("hx-trigger") and block.select_one("#number-check-figures")["data-waiting"] == "3"
    await precheck.check_numbers(evolution, now=clock.now())
    done = html(await client.get(f"/campaigns/{campaign.id}/number-check"))
    figures = done.select_one("#number-check-figures")
    assert (figures["data-resolved"], figures["data-missing"], figures["data-waiting"]) == ("2", "1", "0")
    assert not done.select_one(f"#campaign-{campaign.id}-number-check").has_attr("hx-trigger")
    stored = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (stored.status, stored.precheck, stored.skipped_count, stored.pending_count) == (
        CampaignStatus.DRAFT.value, True, 1, 2,
    )
    assert stored.check_requested is True
    await precheck.check_numbers(evolution, now=clock.advance(60))  # the next pass finds nothing left to check
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).check_requested is False


async def test_another_users_campaign_cannot_be_checked(client, login, make_user, sandbox):
    campaign = await draft(await make_user(), sandbox, precheck=True)
    await login(await make_user(email="other@example.com"))
    token = html(await client.get("/campaigns/new")).select_one('input[name="_csrf_token"]')["value"]
    headers = {"HX-Request": "true", "x-csrftoken": token}
    response = await client.post(f"/campaigns/{campaign.id}/number-check", headers=headers)
    assert response.status_code == 404
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).check_requested is False


async def test_the_new_campaign_form_starts_with_the_check_ticked(client, login, make_user):
    await login(await make_user())
    box = html(await client.get("/campaigns/new")).select_one("input#precheck")
    assert box is not None and box.has_attr("checked")


