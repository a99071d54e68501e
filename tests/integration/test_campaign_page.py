"""The campaign page: live block, action buttons per status, refusals, polling that stops when finished."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.accounts.users import CurrentUser
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form


async def _campaign(
    user: CurrentUser, status: CampaignStatus = CampaignStatus.DRAFT, recipients: Any = None, **fields: Any
) -> Campaign:
    instance = await make_instance(user.id)
    rows = recipients if recipients is not None else recipient_rows(["5511999990001", "5511999990002"])
    return await make_campaign(user.id, instance.id, recipients=rows, status=status, **fields)


def _block(response: httpx.Response, campaign: Campaign) -> Any:
    return html(response).select_one(f"#campaign-{campaign.id}-progress")


def _buttons(response: httpx.Response) -> list[str]:
    return [str(node["data-action"]) for node in html(response).select("[data-action]")]


async def test_running_campaign_page_shows_counters_from_the_campaign_row(client, login, make_user) -> None:
    user = await make_user()
    rows = [
        {"phone": "5511999990001", "status": MessageStatus.READ},
        {"phone": "5511999990002", "status": MessageStatus.FAILED},
        {"phone": "5511999990003", "status": MessageStatus.PENDING},
    ]
    campaign = await _campaign(user, CampaignStatus.RUNNING, rows)
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}")
    assert response.status_code == 200
    counters = {
        node["data-counter"]: node.select_one(".value").get_text(strip=True)
        for node in html(response).select("[data-counter]")
    }
    assert counters == {
        "total": "3", "pending": "1", "sent": "1", "delivered": "1", "read": "1", "failed": "1", "skipped": "0"
    }
    assert html(response).select_one("#campaign-percent").get_text(strip=True) == "66.7%"


async def test_progress_block_polls_while_running(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.RUNNING)
    await login(user)
    block = _block(await client.get(f"/campaigns/{campaign.id}/progress"), campaign)
    assert block["hx-get"] == f"/campaigns/{campaign.id}/progress"
    assert block["hx-trigger"] == "every 2s [document.visibilityState === 'visible']"
    assert block["hx-swap"] == "outerHTML"


async def test_progress_fragment_stops_polling_when_campaign_completes(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.COMPLETED, recipient_rows(["5511999990001"]))
    await Campaign.update({Campaign.sent_count: 1, Campaign.pending_count: 0}).where(Campaign.id == campaign.id)
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/progress")
    assert response.status_code == 200
    block = _block(response, campaign)
    assert block is not None
    assert not block.has_attr("hx-trigger") and not block.has_attr("hx-get")


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (CampaignStatus.DRAFT, ["start"]),
        (CampaignStatus.SCHEDULED, ["start", "cancel", "confirm-cancel"]),
        (CampaignStatus.RUNNING, ["pause", "cancel", "confirm-cancel"]),
        (CampaignStatus.PAUSED, ["resume", "cancel", "confirm-cancel"]),
        (CampaignStatus.COMPLETED, []),
        (CampaignStatus.CANCELLED, []),
    ],
)
async def test_action_buttons_follow_the_status(client, login, make_user, status, buttons) -> None:
    user = await make_user()
    campaign = await _campaign(user, status)
    await login(user)
    assert _buttons(await client.get(f"/campaigns/{campaign.id}")) == buttons


async def test_edit_and_upload_links_only_while_editable(client, login, make_user) -> None:
    user = await make_user()
    draft = await _campaign(user, CampaignStatus.DRAFT)
    running = await make_campaign(user.id, draft.instance, status=CampaignStatus.RUNNING)
    await login(user)
    draft_page = html(await client.get(f"/campaigns/{draft.id}"))
    running_page = html(await client.get(f"/campaigns/{running.id}"))
    assert draft_page.select_one("#upload-recipients")["href"] == f"/campaigns/{draft.id}/recipients/upload"
    assert draft_page.select_one("#edit-campaign") is not None
    assert running_page.select_one("#edit-campaign") is None and running_page.select_one("#upload-recipients") is None


async def test_start_by_plain_form_redirects_with_a_flash(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    response = await post_form(client, f"{page}/actions", {"action": "start"}, page)
    assert response.status_code == 303 and response.headers["location"] == page
    followed = html(await client.get(page))
    assert [p.get_text(strip=True) for p in followed.select(".flash-success")] == ["Campaign started."]
    assert followed.select_one("#campaign-status").get_text(strip=True) == "Running"


async def test_pause_by_htmx_answers_the_live_block(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.RUNNING)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    token = html(await client.get(page)).select_one('input[name="_csrf_token"]')["value"]
    response = await client.post(
        f"{page}/actions", data={"action": "pause"}, headers={"HX-Request": "true", "x-csrftoken": token}
    )
    assert response.status_code == 200
    block = _block(response, campaign)
    assert block["data-status"] == "PAUSED"
    assert _buttons(response) == ["resume", "cancel", "confirm-cancel"]
    assert block.select_one(".pause-reason").get_text(strip=True) == "Paused by the user."


async def test_refused_transition_names_the_current_status(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.COMPLETED)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    response = await post_form(client, f"{page}/actions", {"action": "start"}, page)
    assert response.status_code == 303
    flashes = [p.get_text(strip=True) for p in html(await client.get(page)).select(".flash-error")]
    assert flashes == ["Cannot start a campaign that is Completed."]


async def test_refused_transition_by_htmx_shows_the_message_in_the_block(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.CANCELLED)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    token = html(await client.get(page)).select_one('input[name="_csrf_token"]')["value"]
    response = await client.post(
        f"{page}/actions", data={"action": "pause"}, headers={"HX-Request": "true", "x-csrftoken": token}
    )
    notice = _block(response, campaign).select_one("#campaign-notice")
    assert notice.get_text(strip=True) == "Cannot pause a campaign that is Cancelled."


async def test_sender_only_actions_are_refused_from_the_page(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.RUNNING)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    await post_form(client, f"{page}/actions", {"action": "complete"}, page)
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == CampaignStatus.RUNNING


async def test_charts_are_svg_with_title_and_description(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.RUNNING)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    charts = page.select(".charts svg")
    assert [svg.select_one("title").get_text() for svg in charts] == ["Delivery funnel", "Sends per minute"]
    assert all(svg.select_one("desc").get_text() for svg in charts)


async def test_starting_a_campaign_without_recipients_is_refused_with_the_reason(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, CampaignStatus.DRAFT, recipients=[])
    await login(user)
    page = f"/campaigns/{campaign.id}"
    await post_form(client, f"{page}/actions", {"action": "start"}, page)
    flashes = [p.get_text(strip=True) for p in html(await client.get(page)).select(".flash-error")]
    assert flashes == ["Cannot start a campaign without recipients: import some first."]
