"""Sessions end on the server: logout, a password change, a disabled account and inactivity (issue 10, finding 3);
CSRF tokens are bound to the session (finding 8). The session state is in the database, so every process agrees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app import create_app
from models.accounts import sessions, users
from models.tables import UserSession
from tests.clock import FakeClock
from tests.fixtures.web import TEST_PASSWORD, Login, csrf_token, html, post_form, serving, settings_for_tests

NEW_PASSWORD = "plum orchard lantern 47"


def browser(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Another browser on the same server (its own cookie jar)."""
    return httpx.AsyncClient(transport=client._transport, base_url="http://testserver")


def with_cookies_of(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """A browser holding a copy of `client`'s cookies, as a thief who copied them would."""
    copy = browser(client)
    for cookie in client.cookies.jar:
        copy.cookies.set(cookie.name, cookie.value)
    return copy


async def signed_in(client: httpx.AsyncClient) -> bool:
    response = await client.get("/account")
    return response.status_code == 200


async def test_a_copied_session_cookie_stops_working_after_logout(client, login, make_user) -> None:
    await login(await make_user())
    thief = with_cookies_of(client)
    assert await signed_in(thief)
    await post_form(client, "/logout", {}, page="/campaigns")
    assert not await signed_in(thief)
    assert (await thief.get("/campaigns")).headers["location"] == "/login?next=%2Fcampaigns"


async def test_changing_the_password_signs_out_every_other_browser_but_not_this_one(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    laptop = browser(client)
    await Login(laptop)(user)
    data = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    changed = await post_form(client, "/account/password", data, page="/account")
    assert (changed.status_code, changed.headers["location"]) == (303, "/account")
    assert await signed_in(client)
    assert not await signed_in(laptop)
    assert await users.authenticate(user.email, NEW_PASSWORD) is not None


async def test_a_wrong_current_password_changes_nothing_and_says_so(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    data = {"current_password": "not my password", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    response = await post_form(client, "/account/password", data, page="/account")
    assert response.status_code == 422
    error = html(response).select_one("#current_password-error").get_text(strip=True)
    assert error == "The current password is not correct."
    assert await users.authenticate(user.email, TEST_PASSWORD) is not None


async def test_disabling_a_user_ends_their_sessions_for_good(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    await users.set_active(user.id, False)
    assert not await signed_in(client)
    await users.set_active(user.id, True)  # enabled again: the old session stays ended, a new login is needed
    assert not await signed_in(client)


async def test_a_session_unused_for_longer_than_the_idle_limit_expires(
    client, login, make_user, settings, clock
) -> None:
    await login(await make_user())
    clock.advance(minutes=settings.session_idle_minutes + 1)
    assert not await signed_in(client)


async def test_a_session_in_use_stays_signed_in_past_the_idle_limit(client, login, make_user, settings, clock) -> None:
    await login(await make_user())
    for _ in range(3):
        clock.advance(minutes=settings.session_idle_minutes - 1)
        assert await signed_in(client)


async def test_a_logout_in_one_process_ends_the_session_in_another(client, login, make_user, settings) -> None:
    """Two app instances on one database stand for two server processes: no session state lives in memory."""
    await login(await make_user())
    async with serving(create_app(settings, clock=FakeClock())) as there:
        for cookie in client.cookies.jar:
            there.cookies.set(cookie.name, cookie.value)
        assert await signed_in(there)
        await post_form(client, "/logout", {}, page="/campaigns")
        assert not await signed_in(there)


async def test_a_csrf_token_from_another_session_fails_even_with_its_cookie_planted(client, login, make_user) -> None:
    victim = await make_user()
    await login(victim)
    attacker = browser(client)
    await Login(attacker)(await make_user())
    token = await csrf_token(attacker, "/account")
    client.cookies.set("csrftoken", attacker.cookies["csrftoken"])
    response = await client.post("/account/tokens", data={"name": "planted", "_csrf_token": token})
    assert response.status_code == 403
    assert await users.list_api_tokens(victim.id) == []


async def test_the_csrf_token_of_the_anonymous_login_page_is_replaced_after_login(client, make_user) -> None:
    user = await make_user()
    anonymous_token = await csrf_token(client)
    data = {"email": user.email, "password": TEST_PASSWORD, "_csrf_token": anonymous_token}
    assert (await client.post("/login", data=data)).status_code == 303
    refused = await client.post("/account/tokens", data={"name": "old token", "_csrf_token": anonymous_token})
    assert refused.status_code == 403
    accepted = await post_form(client, "/account/tokens", {"name": "fresh"}, page="/account")
    assert accepted.status_code == 201


@pytest.fixture
async def secure_client(db, clock) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for_tests(db, base_url="https://testserver")
    async with serving(create_app(settings, clock=clock), base_url="https://testserver") as http:
        yield http


async def test_behind_https_the_csrf_cookie_is_a_secure_host_only_cookie(secure_client) -> None:
    response = await secure_client.get("/login")
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-csrftoken="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "path", "httponly"} <= attributes and "domain" not in attributes


async def test_tabs_polling_at_once_write_the_session_time_once_a_minute(db, make_user, monkeypatch) -> None:
    """Twenty requests that all read a session time more than a minute old write it once, not twenty times (a
    write queues behind the sender's on SQLite); a minute later it is written again."""
    user = await make_user()
    start = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    key = await sessions.start_session(user.id, now=start)
    writes = 0
    update = UserSession.update

    def counted_update(*args: Any, **kwargs: Any) -> Any:
        nonlocal writes
        writes += 1
        return update(*args, **kwargs)

    monkeypatch.setattr(UserSession, "update", counted_update)
    idle, touched = timedelta(hours=1), sessions.session_touches()
    for minutes, expected_writes in ((2, 1), (2, 1), (4, 2)):
        now = start + timedelta(minutes=minutes)
        rows = await asyncio.gather(
            *(sessions.live_session(key, now=now, idle=idle, touched=touched) for _ in range(20))
        )
        assert all(row is not None for row in rows)
        assert writes == expected_writes
    stored = await UserSession.select(UserSession.last_seen_at).where(UserSession.owner == user.id).first()
    assert stored is not None and stored["last_seen_at"] == start + timedelta(minutes=4)
