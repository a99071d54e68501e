"""Login, logout, setup link, throttle, CSRF and API tokens, through real HTTP on a real database."""

from __future__ import annotations

import re

import httpx

from models.accounts import users
from tests.clock import FakeClock
from tests.fixtures.web import TEST_PASSWORD, csrf_token, html, post_form


async def test_login_page_has_email_and_password_fields(client: httpx.AsyncClient) -> None:
    page = html(await client.get("/login"))
    form = page.select_one('form[action="/login"]')
    assert form is not None
    assert form.select_one('input[name="email"]') and form.select_one('input[name="password"]')


async def test_login_lands_on_campaigns(client, make_user) -> None:
    user = await make_user()
    token = await csrf_token(client)
    response = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/campaigns"
    assert (await client.get("/campaigns")).status_code == 200


async def test_session_cookie_is_httponly_and_lax(client, make_user) -> None:
    user = await make_user()
    token = await csrf_token(client)
    response = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("arauto_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


async def test_wrong_password_is_refused_and_shows_an_error(client, make_user) -> None:
    user = await make_user()
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": "wrong-password", "_csrf_token": token}
    )
    assert response.status_code == 400
    assert html(response).select_one('[role="alert"]').get_text(strip=True) == "Wrong e-mail or password."
    assert (await client.get("/campaigns")).status_code == 303


async def test_anonymous_page_request_redirects_to_login_with_next(client) -> None:
    response = await client.get("/campaigns")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fcampaigns"


async def test_logout_ends_the_session(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    response = await post_form(client, "/logout", {}, page="/campaigns")
    assert response.status_code == 303
    assert (await client.get("/campaigns")).status_code == 303


async def test_failed_logins_are_throttled(client, make_user, settings, clock: FakeClock) -> None:
    user = await make_user()
    for _ in range(settings.login_max_failures):
        token = await csrf_token(client)
        await client.post("/login", data={"email": user.email, "password": "nope-nope", "_csrf_token": token})
    token = await csrf_token(client)
    blocked = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    clock.advance(settings.login_window_seconds + 1)
    token = await csrf_token(client)
    allowed = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token})
    assert allowed.status_code == 303


async def test_forged_form_post_without_csrf_token_is_rejected(client, make_user) -> None:
    user = await make_user()
    response = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/campaigns")).status_code == 303


async def test_csrf_token_from_another_session_is_rejected(client, make_user, app) -> None:
    user = await make_user()
    other = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    stolen = await csrf_token(other)
    response = await client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "_csrf_token": stolen})
    assert response.status_code == 403


async def test_open_redirect_through_next_is_refused(client, make_user) -> None:
    user = await make_user()
    token = await csrf_token(client)
    data = {"email": user.email, "password": TEST_PASSWORD, "_csrf_token": token, "next": "//evil.example/x"}
    response = await client.post("/login", data=data)
    assert response.headers["location"] == "/campaigns"


async def test_bearer_token_authenticates_api_requests(client, make_user, clock) -> None:
    user = await make_user()
    token = await users.create_api_token(user.id, "ci", now=clock.now())
    assert (await client.get("/api/whoami")).status_code == 401
    bad = await client.get("/api/whoami", headers={"Authorization": "Bearer arauto_not-a-token"})
    assert bad.status_code == 401
    good = await client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert good.status_code == 200
    assert good.json()["email"] == user.email


async def test_api_tokens_are_stored_hashed(make_user, clock) -> None:
    from models.tables import ApiToken

    user = await make_user()
    token = await users.create_api_token(user.id, "ci", now=clock.now())
    stored = await ApiToken.select(ApiToken.token_hash).first()
    assert token not in str(stored) and len(stored["token_hash"]) == 64


async def test_account_page_shows_a_new_token_once(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    created = await post_form(client, "/account/tokens", {"name": "crm"}, page="/account")
    token = html(created).select_one("#new-token").get_text(strip=True)
    assert re.fullmatch(r"arauto_[\w-]{40,}", token)
    again = await client.get("/account")
    assert token not in again.text
    api = await client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert api.json()["email"] == user.email


async def test_session_cookie_alone_cannot_change_things_through_the_api(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    assert (await client.get("/api/whoami")).status_code == 200
    response = await client.post("/api/whoami")
    assert response.status_code == 403


async def test_setup_link_creates_the_first_admin_once(client, clock) -> None:
    token = await users.issue_setup_token(now=clock.now())
    assert token
    page = await client.get(f"/setup/{token}")
    assert page.status_code == 200
    data = {"email": "Admin@Example.com", "password": "s3cret-pass-26", "password_confirm": "s3cret-pass-26"}
    created = await post_form(client, f"/setup/{token}", data, page=f"/setup/{token}")
    assert created.status_code == 303 and created.headers["location"] == "/campaigns"
    admin = await users.get_user_by_email("admin@example.com")
    assert admin is not None and admin.is_admin
    reused = await client.get(f"/setup/{token}")
    assert reused.status_code == 404
    assert await users.issue_setup_token(now=clock.now()) is None


async def test_setup_refuses_mismatched_passwords(client, clock) -> None:
    token = await users.issue_setup_token(now=clock.now())
    data = {"email": "a@example.com", "password": "s3cret-pass-26", "password_confirm": "other-pass"}
    response = await post_form(client, f"/setup/{token}", data, page=f"/setup/{token}")
    assert response.status_code == 422
    assert html(response).select_one("#password_confirm-error").get_text(strip=True) == "The passwords do not match."
    assert await users.user_count() == 0


async def test_unknown_page_renders_the_custom_404(client) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert html(response).select_one(".error-code").get_text(strip=True) == "404"


async def test_unknown_api_route_answers_json_404(client) -> None:
    response = await client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_first_user_gets_a_checked_sandbox_instance_when_make_run_started_one(db, clock, sandbox) -> None:
    from asgi_lifespan import LifespanManager

    from app import create_app
    from models.tables import Instance
    from settings import load_settings

    settings = load_settings(
        environ={}, database_url=db, secret_key="k" * 20, scheduler_enabled=False, sandbox_url=sandbox.url
    )
    app = create_app(settings, clock=clock)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = await users.issue_setup_token(now=clock.now())
            data = {"email": "first@example.com", "password": "s3cret-pass-26", "password_confirm": "s3cret-pass-26"}
            created = await post_form(http, f"/setup/{token}", data, page=f"/setup/{token}")
    assert created.status_code == 303
    instance = await Instance.objects().first()
    assert instance.server_url == sandbox.url and instance.state == "open"
    assert instance.webhook_registered
