"""Issue 15 in a real browser with the sender on: an admin creates a user with a daily limit, the user sets a password
from the one-time link, switches to Portuguese, and a campaign of theirs runs into the limit: the banner shows the
alert and the campaign page says why it waits and until when."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from models.accounts import alerts
from models.accounts.users import create_user, get_user_by_email
from models.statuses import CampaignStatus
from models.tables import CampaignMessage
from tests.browser.conftest import run_in_app_db
from tests.browser.pages import LoginPage, create_limited_user, set_password_from_link
from tests.browser.server import ServedApp
from tests.factories import make_campaign, make_instance, recipient_rows

ADMIN_EMAIL = "admin.limits@example.com"
NEW_EMAIL = "joana.limit@example.com"
PASSWORD = "quiet harbour violet 83"
LIMIT = 3


def test_a_limited_user_runs_a_campaign_into_the_limit_and_sees_why_it_waits(
    live_page: Any, browser: Any, served_live: ServedApp, sandbox_url: str
) -> None:
    if not sandbox_url:
        pytest.skip("this checkout has no sandbox Evolution server")

    async def make_admin() -> None:
        await create_user(ADMIN_EMAIL, PASSWORD, admin=True, iterations=1_000)

    run_in_app_db(served_live, make_admin)
    page = live_page
    LoginPage(page, served_live.url).sign_in(ADMIN_EMAIL, PASSWORD)
    link = create_limited_user(page, served_live.url, NEW_EMAIL, LIMIT, "America/Sao_Paulo")

    context = browser.new_context(base_url=served_live.url)
    context.set_default_timeout(20_000)
    try:
        user_page = context.new_page()
        set_password_from_link(user_page, link, NEW_EMAIL, PASSWORD)
        user_page.goto(f"{served_live.url}/account")
        user_page.get_by_role("button", name="Português (Brasil)").click()
        expect(user_page.locator("html")).to_have_attribute("lang", "pt-BR")

        async def running_campaign() -> int:
            user = await get_user_by_email(NEW_EMAIL)
            assert user is not None
            instance = await make_instance(
                user.id, server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox", jitter_percent=0
            )
            phones = [f"551197770{n:04d}" for n in range(LIMIT + 2)]
            campaign = await make_campaign(
                user.id, instance.id, recipients=recipient_rows(phones), status=CampaignStatus.RUNNING, rate_limit=60
            )
            return int(campaign.id)

        campaign_id = run_in_app_db(served_live, running_campaign)
        user_page.goto(f"{served_live.url}/campaigns/{campaign_id}")
        waiting = user_page.locator("#campaign-waiting")
        expect(waiting).to_contain_text("Aguardando: seu limite diário de mensagens foi atingido até", timeout=60_000)
        expect(waiting).to_have_attribute("data-reason", "user_daily_limit")

        async def sent_and_alerted() -> int:
            await alerts.check_limits(now=datetime.now(UTC))
            return int(await CampaignMessage.count().where(CampaignMessage.sent_at.is_not_null()
                                                            & (CampaignMessage.campaign == campaign_id)))  # fmt: skip

        # The limit counts claims, so the page can say "limit reached" while the last claimed send is still on its
        # way to Evolution: wait for that send to be recorded, then hold that no send went past the limit.
        deadline = time.monotonic() + 30
        sent = run_in_app_db(served_live, sent_and_alerted)
        while sent < LIMIT and time.monotonic() < deadline:
            time.sleep(0.25)
            sent = run_in_app_db(served_live, sent_and_alerted)
        assert sent == LIMIT
        user_page.reload()
        expect(user_page.locator("#alert-banner .alert").first).to_be_visible()
        expect(user_page.locator("#alert-banner")).to_contain_text("Limite diário atingido")
        expect(user_page.locator("#campaign-waiting")).to_be_visible()
    finally:
        context.close()
