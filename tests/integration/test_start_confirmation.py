"""Before Start (issues 13 item 7 and 15 item 3): Start on the campaign page leads to a confirmation that says how many
messages will go out and through which numbers, and flags a campaign that needs more than what is left of the user's
monthly (or daily) allowance; the confirmation's button posts the real start. The API says the same in its fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.accounts.users import CurrentUser, create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut, UserProfile
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form


async def limits(user: CurrentUser, *, daily: int | None, monthly: int | None) -> None:
    if not await UserProfile.exists().where(UserProfile.user == user.id):
        await UserProfile(user=user.id, timezone="America/Sao_Paulo").save()
    await UserProfile.update(
        {UserProfile.daily_limit: daily, UserProfile.monthly_limit: monthly, UserProfile.timezone: "America/Sao_Paulo"}
    ).where(UserProfile.user == user.id)


async def already_sent(user: CurrentUser, instance_id: int, count: int, *, at: Any) -> None:
    """`count` messages sent at `at` by an earlier campaign of the user."""
    rows = [{"phone": f"55119880{n:05d}", "status": MessageStatus.SENT} for n in range(count)]
    earlier = await make_campaign(user.id, instance_id, recipients=rows, status=CampaignStatus.COMPLETED, name="Old")
    await CampaignMessage.update({CampaignMessage.sent_at: at}).where(CampaignMessage.campaign == earlier.id)


async def draft(user: CurrentUser, count: int, **instance: Any) -> Campaign:
    first = await make_instance(user.id, name="Loja Centro", **instance)
    phones = [f"55119990{n:05d}" for n in range(count)]
    campaign = await make_campaign(user.id, first.id, recipients=recipient_rows(phones), name="Natal")
    return campaign


async def test_the_campaign_page_flags_a_campaign_beyond_the_monthly_allowance_and_start_confirms_it(
    client, login, make_user
) -> None:
    user = await make_user()
    campaign = await draft(user, 12)
    await OptOut(owner=user.id, phone="5511999000000", created_at=NOW).save()  # one of them opted out
    await limits(user, daily=None, monthly=100)
    await already_sent(user, campaign.instance, 95, at=NOW - timedelta(days=2))
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    flag = page.select_one("#campaign-allowance")
    assert flag["data-exceeds-monthly"] == "true" and flag["data-exceeds-daily"] == "false"
    assert "11" in flag.select_one('[data-warning="monthly-allowance"]').get_text()  # 12 listed, 1 opted out
    start = page.select_one(f'#campaign-{campaign.id}-progress a[data-action="start"]')
    confirmation = html(await client.get(start["href"]))
    box = confirmation.select_one("#start-confirmation")
    assert box.select_one('[data-fact="will-send"]').get_text(strip=True) == "11"
    assert box.select_one('[data-fact="numbers"]').get_text(strip=True) == "Loja Centro"
    assert box.select_one('[data-warning="monthly-allowance"]') is not None
    assert (await Campaign.select(Campaign.status).where(Campaign.id == campaign.id).first())["status"] == "DRAFT"
    form = box.select_one("form")
    done = await post_form(client, form["action"], {"action": "start"}, page=start["href"])
    assert done.status_code == 303
    assert (await Campaign.select(Campaign.status).where(Campaign.id == campaign.id).first())["status"] == "RUNNING"
    again = await client.get(start["href"], follow_redirects=False)  # a running campaign has nothing to confirm
    assert again.status_code == 303 and again.headers["location"] == f"/campaigns/{campaign.id}"


async def test_a_campaign_that_fits_is_not_flagged_and_the_daily_allowance_is_named(client, login, make_user) -> None:
    user = await make_user()
    campaign = await draft(user, 5)
    await limits(user, daily=None, monthly=1000)
    await login(user)
    assert html(await client.get(f"/campaigns/{campaign.id}")).select_one("#campaign-allowance") is None
    await limits(user, daily=10, monthly=1000)
    await already_sent(user, campaign.instance, 7, at=NOW - timedelta(hours=1))
    page = html(await client.get(f"/campaigns/{campaign.id}/start"))
    flag = page.select_one("#campaign-allowance")
    assert (flag["data-exceeds-monthly"], flag["data-exceeds-daily"]) == ("false", "true")
    assert "3" in flag.select_one('[data-warning="daily-allowance"]').get_text()


async def test_the_api_says_whether_a_campaign_fits_the_allowance_and_its_start_stays_one_call(
    client, make_user
) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    campaign = await draft(user, 30)
    unlimited = (await client.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
    assert unlimited["allowanceLeft"] == {"today": None, "thisMonth": None}
    assert unlimited["exceedsMonthlyAllowance"] is False and unlimited["exceedsDailyAllowance"] is False
    await limits(user, daily=20, monthly=25)
    await already_sent(user, campaign.instance, 5, at=NOW - timedelta(days=40))  # last month: not counted
    await already_sent(user, campaign.instance, 4, at=NOW - timedelta(hours=2))
    answer = (await client.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
    assert answer["allowanceLeft"] == {"today": 16, "thisMonth": 21}
    assert answer["exceedsMonthlyAllowance"] is True and answer["exceedsDailyAllowance"] is True
    started = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=headers)
    assert started.status_code == 200 and started.json()["status"] == "RUNNING"


async def test_the_confirmation_predicts_the_finish_and_warns_of_days_of_caps_and_of_expiry(
    client, login, make_user
) -> None:
    user = await make_user()
    campaign = await draft(user, 12, rate_per_minute=60, daily_cap=5, jitter_percent=0)
    await Campaign.update({Campaign.rate_limit: 60}).where(Campaign.id == campaign.id)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}/start"))
    # 5 today from 12:00, 5 from Tuesday 00:00 UTC, the last 2 from Wednesday 00:00: one a second
    finish = page.select_one('[data-fact="finish"]')
    assert finish["data-at"] == "2026-01-07T00:00:01+00:00"
    assert page.select_one('[data-warning="more-than-a-day"]') is not None
    assert "daily caps" in page.select_one('[data-warning="more-than-a-day"]').get_text()
    assert page.select_one('[data-warning="expiry"]') is None

    await Campaign.update({Campaign.expires_at: NOW + timedelta(hours=30)}).where(Campaign.id == campaign.id)
    page = html(await client.get(f"/campaigns/{campaign.id}/start"))
    assert page.select_one('[data-fact="finish"]')["data-at"] == "2026-01-06T00:00:04+00:00"
    assert "2 messages will not be sent" in page.select_one('[data-warning="expiry"]').get_text()


async def test_the_api_gives_the_forecast_before_start_and_the_progress_while_it_runs(client, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    campaign = await draft(user, 10, rate_per_minute=30, jitter_percent=0)  # 3 s apart: its own rate, 20/min
    before = (await client.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
    assert before["estimatedCompletionAt"] == (NOW + timedelta(seconds=27)).isoformat()
    assert before["unsentAtExpiry"] == 0
    await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "start"}, headers=headers)
    progress = (await client.get(f"/api/campaigns/{campaign.id}/progress", headers=headers)).json()
    assert progress["estimatedCompletionAt"] == (NOW + timedelta(seconds=27)).isoformat()
    assert progress["etaSeconds"] == 27
    await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "pause"}, headers=headers)
    paused = (await client.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
    assert paused["estimatedCompletionAt"] is None
