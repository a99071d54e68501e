"""Which language a request is answered in, and the switcher that changes it."""

from __future__ import annotations

from models.accounts import users
from tests.fixtures.web import csrf_token, html, post_form
from views.locale import LOCALE_COOKIE, choose_locale, parse_accept_language

PT = {"accept-language": "pt-BR,pt;q=0.9,en;q=0.5"}


def test_accept_language_is_read_by_quality_and_an_unsupported_language_is_passed_over() -> None:
    assert parse_accept_language("fr;q=1, en;q=0.8, pt-BR;q=0.9") == ["fr", "pt-br", "en"]
    assert choose_locale("", "", "fr;q=1, en;q=0.8, pt-BR;q=0.9", "en") == "pt-BR"
    assert choose_locale("", "", "en-US,en;q=0.9", "pt-BR") == "en"


def test_the_user_setting_wins_over_the_cookie_and_the_browser_and_the_default_comes_last() -> None:
    assert choose_locale("en", "pt-BR", "pt-BR", "pt-BR") == "en"
    assert choose_locale("", "en", "pt-BR", "pt-BR") == "en"
    assert choose_locale("", "", "de-DE, fr;q=0.5", "pt-BR") == "pt-BR"
    assert choose_locale("", "", "x" * 10_000 + ",en", "pt-BR") == "pt-BR"  # only the header's start is read


async def test_the_login_page_speaks_the_browsers_portuguese(client) -> None:
    page = html(await client.get("/login", headers=PT))
    assert page.html["lang"] == "pt-BR"
    assert page.select_one("h1").get_text(strip=True) == "Entrar"
    assert page.select_one("label[for=password]").get_text(strip=True) == "Senha"


async def test_an_anonymous_visitor_switches_language_on_the_login_page_and_a_cookie_keeps_it(client) -> None:
    page = html(await client.get("/login", headers=PT))
    assert [b["value"] for b in page.select("#locale-switch button")] == ["pt-BR", "en"]
    response = await client.post(
        "/locale", data={"locale": "en", "next": "/login", "_csrf_token": await csrf_token(client)}, headers=PT
    )
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.cookies.get(LOCALE_COOKIE) == "en"
    page = html(await client.get("/login", headers=PT))
    assert page.html["lang"] == "en"
    assert page.select_one("h1").get_text(strip=True) == "Sign in"


async def test_the_switcher_never_sends_the_visitor_to_another_site(client) -> None:
    token = await csrf_token(client)
    response = await client.post("/locale", data={"locale": "en", "next": "//evil.example/x", "_csrf_token": token})
    assert response.headers["location"] == "/"


async def test_a_signed_in_user_picks_english_on_the_account_page_and_keeps_it_without_the_cookie(
    client, login, make_user
) -> None:
    user = await make_user()
    await login(user)
    response = await post_form(client, "/locale", {"locale": "en", "next": "/account"}, "/account")
    assert response.status_code == 303
    assert (await users.get_user(user.id)).locale == "en"
    client.cookies.delete(LOCALE_COOKIE)
    page = html(await client.get("/account", headers=PT))
    assert page.html["lang"] == "en"
    assert page.select_one("#language h2").get_text(strip=True) == "Language"


async def test_a_user_who_chose_portuguese_reads_the_account_page_in_portuguese_whatever_the_browser_says(
    client, login, make_user
) -> None:
    user = await make_user()
    await users.set_locale(user.id, "pt-BR")
    await login(user)
    page = html(await client.get("/account", headers={"accept-language": "en-US"}))
    assert page.html["lang"] == "pt-BR"
    assert page.select_one("h1").get_text(strip=True) == "Conta"
    current = page.select_one('#locale-switch button[aria-current="true"]')
    assert current["value"] == "pt-BR"


async def _token_for(user) -> dict[str, str]:
    from datetime import UTC, datetime

    token = await users.create_api_token(user.id, "script", now=datetime(2026, 11, 30, tzinfo=UTC))
    return {"authorization": f"Bearer {token}"}


async def test_patch_whoami_sets_the_locale_and_api_errors_then_speak_portuguese(client, make_user) -> None:
    user = await make_user()
    headers = await _token_for(user)
    response = await client.patch("/api/whoami", json={"locale": "pt-BR"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["locale"] == "pt-BR"
    assert (await client.get("/api/whoami", headers=headers)).json()["locale"] == "pt-BR"
    refused = await client.patch("/api/whoami", json={"locale": "fr"}, headers=headers)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Dados inválidos"
    assert refused.json()["errors"] == [{"field": "locale", "message": "Escolha pt-BR ou en."}]


async def test_an_invalid_token_is_refused_in_the_browsers_language(client) -> None:
    response = await client.get("/api/whoami", headers={"authorization": "Bearer nope", **PT})
    assert response.status_code == 401
    assert response.json()["detail"] == "A chave de API não é válida."


async def test_a_stored_pause_reason_reads_in_portuguese_and_a_gateways_own_words_stay_as_they_are(
    client, login, make_user
) -> None:
    from models.campaigns import lifecycle
    from models.statuses import CampaignStatus
    from models.tables import Campaign
    from tests.factories import NOW, make_campaign, make_instance

    user = await make_user()
    instance = await make_instance(user.id)
    paused = await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)
    await lifecycle.apply(paused.id, "pause", owner_id=user.id, now=NOW)
    foreign = await make_campaign(user.id, instance.id, status=CampaignStatus.PAUSED)
    await Campaign.update({Campaign.pause_reason: "Evolution: 100% busy"}).where(Campaign.id == foreign.id)
    await login(user)
    reason = html(await client.get(f"/campaigns/{paused.id}/progress", headers=PT)).select_one(".pause-reason")
    assert reason.get_text(strip=True) == "Pausada por você."
    reason = html(await client.get(f"/campaigns/{foreign.id}/progress", headers=PT)).select_one(".pause-reason")
    assert reason.get_text(strip=True) == "Evolution: 100% busy"


def test_a_number_evolution_does_not_know_reads_in_the_users_language() -> None:
    from views.i18n import reset_locale, stored, use_locale

    token = use_locale("pt-BR")
    try:
        assert stored("5511988880001 is not on WhatsApp") == "5511988880001 não está no WhatsApp"
    finally:
        reset_locale(token)
