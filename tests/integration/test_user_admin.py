"""User administration (issue 15, item 1): admins list, create with a one-time link, disable, re-enable, promote
and set limits, language and time zone; disabling ends sessions and stops sending; admins see no one's campaigns."""

from __future__ import annotations

import httpx

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignHistory
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import Login, csrf_token, html, post_form

NEW_PASSWORD = "plum orchard lantern 47"


async def admin_headers(make_user) -> dict[str, str]:
    admin = await make_user(admin=True)
    return {"Authorization": f"Bearer {await create_api_token(admin.id, 'admin script', now=NOW)}"}


async def test_an_admin_lists_users_with_their_limits_and_a_user_may_not(client, make_user) -> None:
    headers = await admin_headers(make_user)
    plain = await make_user()
    plain_headers = {"Authorization": f"Bearer {await create_api_token(plain.id, 't', now=NOW)}"}
    listed = await client.get("/api/users", headers=headers)
    assert listed.status_code == 200
    row = next(u for u in listed.json() if u["email"] == plain.email)
    assert row == {
        "id": plain.id,
        "email": plain.email,
        "isAdmin": False,
        "active": True,
        "dailyLimit": None,
        "monthlyLimit": None,
        "locale": None,  # not chosen: the browser's language, else ARAUTO_DEFAULT_LOCALE
        "timezone": "UTC",
    }
    assert (await client.get("/api/users", headers=plain_headers)).status_code == 403


async def test_a_language_set_by_an_admin_can_be_given_back_to_the_browser(client, make_user) -> None:
    headers = await admin_headers(make_user)
    plain = await make_user()
    chosen = await client.patch(f"/api/users/{plain.id}", json={"locale": "pt-BR"}, headers=headers)
    assert chosen.json()["locale"] == "pt-BR"
    reset = await client.patch(f"/api/users/{plain.id}", json={"locale": None}, headers=headers)
    assert reset.status_code == 200 and reset.json()["locale"] is None


async def test_a_created_user_sets_a_password_through_the_link_once(client, make_user) -> None:
    headers = await admin_headers(make_user)
    body = {
        "email": "New@Example.com",
        "dailyLimit": 30,
        "monthlyLimit": None,
        "locale": "pt-BR",
        "timezone": "America/Sao_Paulo",
    }
    created = await client.post("/api/users", json=body, headers=headers)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert (answer["email"], answer["dailyLimit"], answer["locale"]) == ("new@example.com", 30, "pt-BR")
    path = httpx.URL(answer["passwordLink"]).path
    page = await client.get(path)
    assert html(page).select_one("#link-email").get_text(strip=True) == "new@example.com"
    data = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    done = await post_form(client, path, data, page=path)
    assert (done.status_code, done.headers["location"]) == (303, "/campaigns")
    assert (await client.get("/account")).status_code == 200
    again = await client.get(path)
    assert again.status_code == 404
    assert html(again).select_one('input[name="password"]') is None


async def test_a_password_link_stops_working_after_it_expires(client, clock, make_user) -> None:
    headers = await admin_headers(make_user)
    created = await client.post("/api/users", json={"email": "late@example.com"}, headers=headers)
    path = httpx.URL(created.json()["passwordLink"]).path
    clock.advance(days=3, seconds=1)
    assert (await client.get(path)).status_code == 404


async def test_bad_limits_locale_and_time_zone_are_refused_naming_each_field(client, make_user) -> None:
    headers = await admin_headers(make_user)
    user = await make_user()
    body = {"dailyLimit": -1, "locale": "fr", "timezone": "Mars/Olympus"}
    refused = await client.patch(f"/api/users/{user.id}", json=body, headers=headers)
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"daily_limit", "locale", "timezone"}


async def test_an_admin_promotes_and_sets_limits_and_empty_means_unlimited(client, make_user) -> None:
    headers = await admin_headers(make_user)
    user = await make_user()
    changed = await client.patch(f"/api/users/{user.id}", json={"isAdmin": True, "monthlyLimit": 900}, headers=headers)
    assert (changed.json()["isAdmin"], changed.json()["monthlyLimit"]) == (True, 900)
    cleared = await client.patch(f"/api/users/{user.id}", json={"monthlyLimit": None}, headers=headers)
    assert cleared.json()["monthlyLimit"] is None


async def test_disabling_a_user_ends_their_sessions_and_stops_their_sending(client, make_user) -> None:
    headers = await admin_headers(make_user)
    user = await make_user()
    laptop = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    await Login(laptop)(user)
    instance = await make_instance(user.id)
    running = await make_campaign(
        user.id, instance.id, recipients=recipient_rows(["+5511988880001"]), status=CampaignStatus.RUNNING
    )
    scheduled = await make_campaign(
        user.id, instance.id, recipients=recipient_rows(["+5511988880002"]), status=CampaignStatus.SCHEDULED
    )
    disabled = await client.patch(f"/api/users/{user.id}", json={"active": False}, headers=headers)
    assert disabled.json()["active"] is False
    assert (await laptop.get("/account")).status_code == 303
    statuses = {r["id"]: r for r in await Campaign.select(Campaign.id, Campaign.status, Campaign.pause_reason)}
    assert statuses[running.id]["status"] == CampaignStatus.PAUSED.value
    assert statuses[scheduled.id]["status"] == CampaignStatus.DRAFT.value
    assert "disabled" in statuses[running.id]["pause_reason"]
    history = await CampaignHistory.select().where(CampaignHistory.campaign == running.id)
    assert [(h["action"], h["source"]) for h in history] == [("pause", "admin")]
    enabled = await client.patch(f"/api/users/{user.id}", json={"active": True}, headers=headers)
    assert enabled.json()["active"] is True
    await Login(laptop)(user)


async def test_an_admin_cannot_disable_themselves(client, make_user) -> None:
    admin = await make_user(admin=True)
    headers = {"Authorization": f"Bearer {await create_api_token(admin.id, 't', now=NOW)}"}
    refused = await client.patch(f"/api/users/{admin.id}", json={"active": False}, headers=headers)
    assert refused.status_code == 400


async def test_an_admin_does_not_see_another_users_campaigns(client, login, make_user) -> None:
    admin = await make_user(admin=True)
    other = await make_user()
    campaign = await make_campaign(other.id, (await make_instance(other.id)).id)
    await login(admin)
    assert (await client.get(f"/campaigns/{campaign.id}")).status_code == 404
    assert (await client.get("/users")).status_code == 200


async def test_the_admin_page_creates_a_user_with_a_limit_and_shows_the_link_once(client, login, make_user) -> None:
    await login(await make_user(admin=True))
    data = {"email": "page@example.com", "daily_limit": "30", "monthly_limit": "", "locale": "en", "timezone": "UTC"}
    created = await post_form(client, "/users", data, page="/users")
    assert created.status_code == 201, created.text
    page = html(created)
    assert page.select_one("#password-link").get_text(strip=True).startswith("http://testserver/set-password/")
    row = next(r for r in page.select("#users tbody tr") if "page@example.com" in r.get_text())
    assert row.select_one(".daily-limit").get_text(strip=True) == "30"
    assert row.select_one(".monthly-limit").get_text(strip=True) == "unlimited"
    listing = html(await client.get("/users"))
    assert listing.select_one("#password-link") is None


async def test_a_non_admin_cannot_open_the_users_page(client, login, make_user) -> None:
    await login(await make_user())
    assert (await client.get("/users")).status_code == 403
    token = await csrf_token(client, "/account")
    assert (await client.post("/users", data={"email": "x@example.com", "_csrf_token": token})).status_code == 403
