"""The login throttle counts atomically, per e-mail and per address on their own (issue 10, finding 4)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from app import create_app
from tests.fixtures.web import TEST_PASSWORD, csrf_token, serving, settings_for_tests


async def attempt(client: httpx.AsyncClient, email: str, password: str, token: str) -> httpx.Response:
    return await client.post("/login", data={"email": email, "password": password, "_csrf_token": token})


async def test_parallel_wrong_passwords_are_checked_at_most_the_allowed_number_of_times(
    client, make_user, settings
) -> None:
    user = await make_user()
    token = await csrf_token(client)
    answers = await asyncio.gather(*(attempt(client, user.email, f"wrong guess {n}", token) for n in range(25)))
    statuses = Counter(response.status_code for response in answers)
    assert statuses == {400: settings.login_max_failures, 429: 25 - settings.login_max_failures}


async def test_failures_for_other_emails_from_a_shared_address_do_not_lock_an_innocent_one(
    client, make_user, settings
) -> None:
    innocent = await make_user()
    token = await csrf_token(client)
    for n in range(settings.login_max_failures * 2):
        assert (await attempt(client, f"someone{n}@example.com", "wrong guess", token)).status_code == 400
    assert (await attempt(client, innocent.email, TEST_PASSWORD, token)).status_code == 303


async def test_an_email_paused_after_its_failures_can_sign_in_again_when_its_window_ends(
    client, make_user, settings, clock
) -> None:
    user = await make_user()
    token = await csrf_token(client)
    for _ in range(settings.login_max_failures):
        await attempt(client, user.email, "wrong guess", token)
    for _ in range(5):  # the attacker keeps trying through the pause: the pause does not grow
        clock.advance(settings.login_window_seconds / 6)
        paused = await attempt(client, user.email, TEST_PASSWORD, token)
        assert paused.status_code == 429 and 0 < int(paused.headers["retry-after"]) <= settings.login_window_seconds
    clock.advance(settings.login_window_seconds / 6 + 1)
    assert (await attempt(client, user.email, TEST_PASSWORD, token)).status_code == 303


@pytest.fixture
async def strict_client(db, clock) -> AsyncIterator[httpx.AsyncClient]:
    """A server that pauses an address after 3 failures (any e-mails) and an e-mail after 5."""
    async with serving(create_app(settings_for_tests(db, login_max_address_failures=3), clock=clock)) as http:
        yield http


async def test_an_address_spraying_many_emails_is_paused_by_its_own_limit(strict_client, make_user) -> None:
    user = await make_user()
    token = await csrf_token(strict_client)
    for n in range(3):
        assert (await attempt(strict_client, f"someone{n}@example.com", "wrong guess", token)).status_code == 400
    assert (await attempt(strict_client, user.email, TEST_PASSWORD, token)).status_code == 429
    elsewhere = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=strict_client._transport.app, client=("203.0.113.9", 4000)),
        base_url="http://testserver",
    )
    async with elsewhere:
        assert (await attempt(elsewhere, user.email, TEST_PASSWORD, await csrf_token(elsewhere))).status_code == 303


async def test_successful_logins_from_a_shared_address_do_not_use_up_its_allowance(strict_client, make_user) -> None:
    for _ in range(5):  # five colleagues, each in their own browser, behind one office address
        colleague = await make_user()
        async with httpx.AsyncClient(transport=strict_client._transport, base_url="http://testserver") as browser:
            token = await csrf_token(browser)
            assert (await attempt(browser, colleague.email, TEST_PASSWORD, token)).status_code == 303
