"""The campaign page stays true: the polled block re-sends every state-dependent block when the state changed,
a screen reader hears status changes only, the rates are the real ones, a draft says it is one, and percent-done
is the same number everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from models.accounts.users import CurrentUser, create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html
from views.formatting import local_time


def _rows(statuses: list[MessageStatus]) -> list[dict[str, Any]]:
    return [{"phone": f"55119777{n:05d}", "status": status} for n, status in enumerate(statuses)]


async def _running(user: CurrentUser, statuses: list[MessageStatus], **fields: Any) -> Campaign:
    instance = await make_instance(user.id, rate_per_minute=60)
    return await make_campaign(
        user.id, instance.id, recipients=_rows(statuses), status=CampaignStatus.RUNNING, **fields
    )


async def _htmx_token(client: httpx.AsyncClient, campaign: Campaign) -> str:
    return str(html(await client.get(f"/campaigns/{campaign.id}")).select_one('input[name="_csrf_token"]')["value"])


def _oob_ids(response: httpx.Response) -> set[str]:
    return {str(node["id"]) for node in html(response).select("[hx-swap-oob]")}


def _shown(response: httpx.Response, campaign: Campaign) -> str:
    block = html(response).select_one(f"#campaign-{campaign.id}-progress")
    return str(block["hx-vals"]).split('"shown": "')[1].split('"')[0]


async def test_a_poll_after_sends_re_sends_header_retry_card_charts_and_recipients(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING, MessageStatus.PENDING])
    await login(user)
    shown = _shown(await client.get(f"/campaigns/{campaign.id}"), campaign)
    await CampaignMessage.update({CampaignMessage.status: MessageStatus.READ.value}).where(
        CampaignMessage.phone == "5511977700000"
    )
    await Campaign.update(
        {Campaign.pending_count: 1, Campaign.sent_count: 1, Campaign.delivered_count: 1, Campaign.read_count: 1}
    ).where(Campaign.id == campaign.id)
    response = await client.get(f"/campaigns/{campaign.id}/progress", params={"shown": shown})
    cid = campaign.id
    assert _oob_ids(response) == {
        f"campaign-{cid}-header",
        f"campaign-{cid}-retry",
        f"campaign-{cid}-charts",
        f"campaign-{cid}-recipient-rows",
    }
    page = html(response)
    counters = {n["data-counter"]: n.select_one(".value").get_text(strip=True) for n in page.select("[data-counter]")}
    funnel = {key: page.select_one(f"#campaign-{cid}-charts rect.bar-{key}")["data-value"] for key in ("sent", "read")}
    assert (counters["sent"], counters["read"]) == (funnel["sent"], funnel["read"]) == ("1", "1")
    statuses = [row.select_one(".badge").get_text(strip=True) for row in page.select("tbody tr[data-phone]")]
    assert statuses == ["Read", "Pending"]


async def test_a_quiet_poll_answers_the_progress_block_alone(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING])
    await login(user)
    shown = _shown(await client.get(f"/campaigns/{campaign.id}"), campaign)
    response = await client.get(f"/campaigns/{campaign.id}/progress", params={"shown": shown})
    assert _oob_ids(response) == set()
    assert [n["id"] for n in html(response).find_all(recursive=False)] == [f"campaign-{campaign.id}-progress"]


async def test_starting_by_htmx_removes_edit_and_upload_from_the_header(client, login, make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    campaign = await make_campaign(user.id, instance.id, recipients=_rows([MessageStatus.PENDING]))
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one("#edit-campaign") is not None and page.select_one("#upload-recipients") is not None
    shown = _shown(await client.get(f"/campaigns/{campaign.id}"), campaign)
    response = await client.post(
        f"/campaigns/{campaign.id}/actions",
        data={"action": "start", "shown": shown},
        headers={"HX-Request": "true", "x-csrftoken": await _htmx_token(client, campaign)},
    )
    header = html(response).select_one(f"#campaign-{campaign.id}-header")
    assert header["hx-swap-oob"] == "true"
    assert header.select_one("#edit-campaign") is None and header.select_one("#upload-recipients") is None
    assert [b["data-action"] for b in html(response).select("button[data-action]")] == ["pause", "confirm-cancel"]


async def test_a_screen_reader_hears_the_status_change_and_not_the_counter_tick(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING, MessageStatus.PENDING])
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    announcer = page.select_one(f"#campaign-{campaign.id}-announcer")
    assert announcer["role"] == "status" and announcer.get_text(strip=True) == ""
    assert announcer.find_parent(id=f"campaign-{campaign.id}-progress") is None
    assert (
        page.select_one(f"#campaign-{campaign.id}-progress [aria-live], #campaign-{campaign.id}-progress[aria-live]")
        is None
    )
    ticked = "RUNNING:2:1:1:0:0:0:0"  # one send fewer than now: counters moved, status did not
    await Campaign.update({Campaign.pending_count: 0, Campaign.sent_count: 2}).where(Campaign.id == campaign.id)
    tick = html(await client.get(f"/campaigns/{campaign.id}/progress", params={"shown": ticked}))
    assert tick.select_one(f"#campaign-{campaign.id}-announcer") is None
    await Campaign.update({Campaign.status: CampaignStatus.COMPLETED.value}).where(Campaign.id == campaign.id)
    done = html(await client.get(f"/campaigns/{campaign.id}/progress", params={"shown": "RUNNING:2:0:2:0:0:0:0"}))
    said = done.select_one(f"#campaign-{campaign.id}-announcer")
    assert (said["hx-swap-oob"], said.get_text(strip=True)) == ("innerHTML", "Campaign status: Completed")
    assert not done.select_one(f"#campaign-{campaign.id}-progress").has_attr("hx-trigger")


async def test_the_refreshed_recipients_keep_the_users_filter(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.PENDING])
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/progress", params={"shown": "", "status": "FAILED"})
    rows = html(response).select(f"#campaign-{campaign.id}-recipient-rows tbody tr[data-phone]")
    assert [row["data-phone"] for row in rows] == ["5511977700001"]


async def test_current_rate_counts_the_sends_of_the_last_minute(client, login, make_user, clock) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENT] * 8, started_at=clock.now() - timedelta(minutes=10))
    ids = [r["id"] for r in await CampaignMessage.select(CampaignMessage.id).order_by(CampaignMessage.id)]
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(minutes=3)}).where(
        CampaignMessage.id.is_in(ids[:5])
    )
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(seconds=20)}).where(
        CampaignMessage.id.is_in(ids[5:])
    )
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one('[data-fact="rate"]').get_text(" ", strip=True) == "3 msg/min"


async def test_current_rate_of_a_young_campaign_is_measured_since_its_start(client, login, make_user, clock) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENT] * 4, started_at=clock.now() - timedelta(seconds=20))
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(seconds=5)}).where(
        CampaignMessage.campaign == campaign.id
    )
    await login(user)
    poll = html(await client.get(f"/campaigns/{campaign.id}/progress"))
    assert poll.select_one('[data-fact="rate"]').get_text(" ", strip=True) == "12 msg/min"


async def test_the_rate_shown_is_the_share_of_the_numbers_cap_with_the_reason(client, login, make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id, rate_per_minute=30)
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING, rate_limit=20)
    await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING, rate_limit=20)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    rate = page.select_one(f"#campaign-{campaign.id}-header #campaign-rate")
    assert (rate["data-effective"], rate["data-limit"]) == ("15.0", "20")
    assert rate.get_text(" ", strip=True) == "15 msg/min (its own rate: 20)"
    reason = page.select_one("#campaign-rate-reason")
    assert reason["data-reason"] == "shared"
    assert (
        reason.get_text(" ", strip=True) == "— the number sends at most 30 msg/min, shared by 2 campaigns running on it"
    )


async def test_a_campaign_alone_under_the_cap_shows_its_own_rate_without_a_reason(client, login, make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id, rate_per_minute=60)
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.PAUSED, rate_limit=20)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert page.select_one("#campaign-rate").get_text(" ", strip=True) == "20 msg/min"
    assert page.select_one("#campaign-rate-reason") is None


async def test_a_draft_says_it_is_a_draft_not_finished(client, login, make_user) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5511977700001"]))
    await login(user)
    note = html(await client.get(f"/campaigns/{campaign.id}")).select_one("#campaign-state-note")
    assert (
        note.get_text(strip=True)
        == "This campaign is a draft: nothing is sent until you start it or give it a schedule."
    )


async def test_the_page_shows_the_scheduled_time_in_the_users_zone(client, login, make_user, clock) -> None:
    user = await make_user()
    campaign = await make_campaign(
        user.id, None, status=CampaignStatus.SCHEDULED, scheduled_for=clock.now() + timedelta(days=1, minutes=30)
    )
    await login(user)
    scheduled = html(await client.get(f"/campaigns/{campaign.id}")).select_one('[data-fact="scheduled"]')
    expected = (clock.now() + timedelta(days=1, minutes=30)).astimezone(ZoneInfo(user.timezone))
    assert scheduled.get_text(strip=True) == local_time(expected, user.timezone)  # the locale's short way


async def test_list_page_dashboard_and_api_show_the_same_percent(client, login, make_user, clock) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.PENDING])
    await login(user)
    listed = html(await client.get("/campaigns")).select_one(f'tr[data-id="{campaign.id}"] [role="progressbar"]')
    page = html(await client.get(f"/campaigns/{campaign.id}")).select_one("#campaign-percent").get_text(strip=True)
    dashboard = html(await client.get("/dashboard")).select_one('#running [role="progressbar"]')
    token = await create_api_token(user.id, "test", now=clock.now())
    api = await client.get(f"/api/campaigns/{campaign.id}/progress", headers={"Authorization": f"Bearer {token}"})
    assert (listed["aria-valuenow"], page, dashboard["aria-valuenow"], api.json()["percent"]) == (
        "66.7",
        "66.7%",
        "66.7",
        66.7,
    )


async def test_a_refused_action_is_read_out_by_the_status_line(client, login, make_user) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, None, status=CampaignStatus.CANCELLED)
    await login(user)
    response = await client.post(
        f"/campaigns/{campaign.id}/actions",
        data={"action": "pause", "shown": "CANCELLED:0:0:0:0:0:0:0"},
        headers={"HX-Request": "true", "x-csrftoken": await _htmx_token(client, campaign)},
    )
    said = html(response).select_one(f"#campaign-{campaign.id}-announcer")
    assert said.get_text(strip=True) == "Cannot pause a campaign that is Cancelled."
