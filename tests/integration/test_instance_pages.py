"""Instance pages through HTTP against the real sandbox Evolution server."""

from __future__ import annotations

import socket

import pytest

from models.statuses import CampaignStatus
from models.tables import Campaign, Instance
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import csrf_token, html, post_form


@pytest.fixture
async def user(make_user, login):
    user = await make_user()
    await login(user)
    return user


def form(sandbox, **changes: str) -> dict[str, str]:
    values = {
        "name": "Sales",
        "server_url": sandbox.url + "/",
        "api_key": sandbox.api_key,
        "instance_name": sandbox.instance,
        "rate_per_minute": "15",
        "jitter_percent": "10",
        "daily_cap": "500",
    }
    values.update(changes)
    return values


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_adding_an_instance_checks_it_and_registers_the_webhook(client, user, sandbox) -> None:
    response = await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    assert response.status_code == 303
    instance = await Instance.objects().first()
    assert (instance.state, instance.webhook_registered, instance.server_url) == ("open", True, sandbox.url)
    (hook,) = [r for r in sandbox.requests() if r["path"] == f"/webhook/set/{sandbox.instance}"]
    webhook = hook["body"]["webhook"]
    assert webhook["url"] == f"http://testserver/webhooks/evolution/{instance.id}"
    assert webhook["headers"] == {"x-arauto-secret": instance.webhook_secret}
    assert sorted(webhook["events"]) == ["CONNECTION_UPDATE", "MESSAGES_UPDATE", "MESSAGES_UPSERT", "SEND_MESSAGE"]
    assert webhook["byEvents"] is False


async def test_list_shows_the_state_badge_and_todays_sends_against_the_cap(client, user, sandbox) -> None:
    await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    page = html(await client.get("/instances"))
    row = page.select_one("#instances tbody tr")
    assert row.select_one(".badge")["class"] == ["badge", "badge-open"]
    assert row.select_one(".badge").get_text(strip=True) == "connected"
    assert row.select_one(".today").get_text(strip=True) == "0 / 500"
    assert row.select_one(".number").get_text(strip=True) == "5511999990000"  # the sandbox's ownerJid


async def test_a_refused_key_is_reported_and_nothing_is_saved(client, user, sandbox) -> None:
    response = await post_form(client, "/instances/", form(sandbox, api_key="wrong"), page="/instances/new")
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#api_key-error").get_text(strip=True) == "The Evolution server refused the API key (401)."
    assert page.select_one("#server_url")["value"] == sandbox.url + "/"  # as typed
    assert page.select_one("#name")["value"] == "Sales"
    assert await Instance.count() == 0


async def test_an_unknown_instance_name_is_reported(client, user, sandbox) -> None:
    response = await post_form(client, "/instances/", form(sandbox, instance_name="nope"), page="/instances/new")
    assert response.status_code == 422
    error = html(response).select_one("#instance_name-error").get_text(strip=True)
    assert error == "No instance named nope on this server (404)."


async def test_an_unreachable_server_saves_with_the_exact_reason(client, user) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    values = {"name": "Offline", "server_url": url, "api_key": "k", "instance_name": "x"}
    response = await post_form(client, "/instances/", values, page="/instances/new")
    assert response.status_code == 303
    instance = await Instance.objects().first()
    assert (instance.state, instance.webhook_registered) == ("unknown", False)
    assert instance.state_reason == f"Could not reach {url}: connection refused."
    flash = html(await client.get("/instances")).select_one(".flash-warning")
    assert flash.get_text(strip=True) == f"Could not reach {url}: connection refused."


async def test_bad_fields_are_reported_per_field(client, user, sandbox) -> None:
    values = form(sandbox, server_url="ftp://user:pw@x", rate_per_minute="0", jitter_percent="101", daily_cap="")
    response = await post_form(client, "/instances/", values, page="/instances/new")
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#server_url-error").get_text(strip=True) == "Enter a valid http:// or https:// address."
    assert page.select_one("#rate_per_minute-error").get_text(strip=True) == "Enter a number from 1 to 60."
    assert page.select_one("#jitter_percent-error").get_text(strip=True) == "Enter a number from 0 to 100."
    assert await Instance.count() == 0


async def test_the_api_key_never_appears_in_any_page(client, user, sandbox) -> None:
    await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    instance = await Instance.objects().first()
    bad = await post_form(client, "/instances/", form(sandbox, rate_per_minute="0"), page="/instances/new")
    pages = [bad, await client.get("/instances"), await client.get(f"/instances/{instance.id}/edit")]
    for response in pages:
        assert sandbox.api_key not in response.text and instance.webhook_secret not in response.text
    assert html(pages[2]).select_one("#api_key")["value"] == ""
    assert "••••-key" in html(pages[2]).select_one("#api_key ~ .help").get_text()


async def test_editing_with_an_empty_key_keeps_the_stored_key(client, user, sandbox) -> None:
    await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    instance = await Instance.objects().first()
    edit = f"/instances/{instance.id}/edit"
    response = await post_form(client, f"/instances/{instance.id}", form(sandbox, api_key="", name="Renamed"), edit)
    assert response.status_code == 303
    saved = await Instance.objects().first()
    assert (saved.name, saved.api_key) == ("Renamed", sandbox.api_key)


async def test_check_now_with_htmx_swaps_the_state_fragment(client, user, sandbox) -> None:
    await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    instance = await Instance.objects().first()
    sandbox.set_state("close", status_reason=401)
    token = await csrf_token(client, "/instances")
    response = await client.post(
        f"/instances/{instance.id}/check", headers={"hx-request": "true", "x-csrftoken": token}
    )
    assert response.status_code == 200
    block = html(response).select_one(f"#instance-{instance.id}-state")
    assert block.select_one(".badge")["data-state"] == "close"


async def test_check_now_without_js_redirects_to_the_list(client, user, sandbox) -> None:
    await post_form(client, "/instances/", form(sandbox), page="/instances/new")
    instance = await Instance.objects().first()
    response = await post_form(client, f"/instances/{instance.id}/check", {}, page="/instances")
    assert (response.status_code, response.headers["location"]) == (303, "/instances")


async def test_load_instances_lists_the_servers_instances(client, user, sandbox) -> None:
    token = await csrf_token(client, "/instances/new")
    response = await client.post(
        "/instances/remote",
        data={"server_url": sandbox.url, "api_key": sandbox.api_key},
        headers={"hx-request": "true", "x-csrftoken": token},
    )
    names = [td.get_text(strip=True) for td in html(response).select("#remote-choices .remote-name")]
    assert sandbox.instance in names
    assert sandbox.instance_token not in response.text


async def test_delete_is_refused_while_a_campaign_uses_the_instance(client, user) -> None:
    instance = await make_instance(user.id)
    await make_campaign(user.id, instance.id, name="Black Friday", status=CampaignStatus.PAUSED)
    response = await post_form(client, f"/instances/{instance.id}/delete", {}, page=f"/instances/{instance.id}/delete")
    assert response.status_code == 303
    assert await Instance.count() == 1
    flash = html(await client.get("/instances")).select_one(".flash-error")
    assert flash.get_text(strip=True) == "This instance cannot be deleted while campaigns use it: “Black Friday”."


async def test_delete_keeps_finished_campaigns_unlinked(client, user) -> None:
    instance = await make_instance(user.id)
    campaign = await make_campaign(user.id, instance.id, status=CampaignStatus.COMPLETED)
    response = await post_form(client, f"/instances/{instance.id}/delete", {}, page=f"/instances/{instance.id}/delete")
    assert response.status_code == 303
    assert await Instance.count() == 0
    assert (await Campaign.select(Campaign.instance).where(Campaign.id == campaign.id).first())["instance"] is None


async def test_another_users_instance_is_not_found(client, user, make_user) -> None:
    stranger = await make_user()
    theirs = await make_instance(stranger.id)
    assert (await client.get(f"/instances/{theirs.id}/edit")).status_code == 404


async def test_form_fields_carry_their_limits_as_attributes(client, user) -> None:
    page = html(await client.get("/instances/new"))
    assert page.select_one("#name")["maxlength"] == "100"
    assert (page.select_one("#rate_per_minute")["min"], page.select_one("#rate_per_minute")["max"]) == ("1", "60")
    assert page.select_one("#instance_name")["list"] == "remote-instance-names"
