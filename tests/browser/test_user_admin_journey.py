"""Issue 15 in a real browser: an admin creates a user with a daily limit, the user sets a password from the
one-time link, sees a usage alert in the banner on every page and dismisses it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from models.accounts import alerts
from models.accounts.users import create_user, get_user_by_email
from tests.browser.conftest import run_in_app_db
from tests.browser.pages import LoginPage, create_limited_user, set_password_from_link, settle
from tests.browser.server import ServedApp
from tests.factories import NOW

ADMIN_EMAIL = "admin.browser@example.com"
NEW_EMAIL = "maria.limit@example.com"
NEW_PASSWORD = "plum orchard lantern 47"


def test_an_admin_creates_a_limited_user_who_sets_a_password_and_dismisses_an_alert(
    page: Any, browser: Any, served: ServedApp
) -> None:
    async def make_admin() -> None:
        await create_user(ADMIN_EMAIL, NEW_PASSWORD, admin=True, iterations=1_000)

    run_in_app_db(served, make_admin)
    LoginPage(page, served.url).sign_in(ADMIN_EMAIL, NEW_PASSWORD)
    link = create_limited_user(page, served.url, NEW_EMAIL, 30, "America/Sao_Paulo")
    row = page.locator("#users tbody tr", has_text=NEW_EMAIL)
    expect(row.locator(".daily-limit")).to_have_text("30")

    context = browser.new_context(base_url=served.url)
    try:
        user_page = context.new_page()
        set_password_from_link(user_page, link, NEW_EMAIL, NEW_PASSWORD)

        async def alert() -> None:
            user = await get_user_by_email(NEW_EMAIL)
            assert user is not None
            await alerts.record(user.id, "daily_100", "2026-01-05", "30 of your daily limit of 30 sent.", now=NOW)

        run_in_app_db(served, alert)
        user_page.goto(f"{served.url}/campaigns")
        banner = user_page.locator("#alert-banner .alert")
        expect(banner).to_have_count(1)
        expect(banner).to_contain_text("Daily limit reached")
        banner.get_by_role("button", name="Dismiss").click()
        settle(user_page)
        expect(user_page.locator("#alert-banner .alert")).to_have_count(0)
        user_page.goto(f"{served.url}/account")
        expect(user_page.locator("#alert-banner .alert")).to_have_count(0)
        expect(user_page.locator("#account-alerts tr.alert-row")).to_have_count(1)
        user_page.goto(link)
        expect(user_page.get_by_label("Password", exact=True)).to_have_count(0)  # the link worked once
    finally:
        context.close()
