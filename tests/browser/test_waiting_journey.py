"""Before Start and while it waits, in a real browser with the sender on (issue 13): a campaign whose send window
is closed now is started through its confirmation, which predicts the finish and warns that the window makes it
take more than a day; once running, its page says it waits for the window and until when, without a reload."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from models.accounts.users import get_user_by_email
from models.sending.pacing import DAYS
from tests.browser.conftest import run_in_app_db, sandbox_number
from tests.browser.pages import CampaignPage, LoginPage
from tests.browser.server import ServedApp
from tests.factories import make_campaign


def _seed_waiting_draft(served: ServedApp, sandbox_url: str) -> tuple[int, datetime]:
    """A draft whose only window opens the day after tomorrow (UTC) at 09:00: closed whenever the test runs."""
    opens_on = datetime.now(UTC).date() + timedelta(days=2)
    window = {"days": [DAYS[opens_on.weekday()]], "start": "09:00", "end": "09:30"}

    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await sandbox_number(user.id, sandbox_url, "Waiting number")
        rows = [{"phone": f"5511966{n:06d}", "variables": {}} for n in range(3)]
        campaign = await make_campaign(
            user.id,
            instance.id,
            recipients=rows,
            name="Waits for its window",
            rate_limit=1,
            precheck=False,
            send_window=json.dumps(window),
            timezone="UTC",
        )
        return int(campaign.id)

    return int(run_in_app_db(served, seed)), datetime.combine(opens_on, time(9), tzinfo=UTC)


def test_the_confirmation_warns_and_the_page_says_why_a_running_campaign_waits(
    live_page, served_live, sandbox_url
) -> None:
    page, served = live_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    campaign_id, opens = _seed_waiting_draft(served, sandbox_url)
    LoginPage(page, served.url).sign_in(served.email, served.password)
    campaign = CampaignPage(page, served.url, campaign_id).open()
    said = campaign.confirm_start()
    assert said["will-send"] == "3" and said["numbers"] == "Waiting number"
    assert "more-than-a-day" in said  # the window is the day after tomorrow
    campaign.wait_for_status("RUNNING")
    waiting = page.locator("#campaign-waiting")
    expect(waiting).to_have_attribute("data-reason", "window")
    assert datetime.fromisoformat(str(waiting.get_attribute("data-until"))) == opens
    expect(waiting).to_contain_text("outside the send window until")
    eta = page.locator(f'#campaign-{campaign_id}-progress [data-fact="eta"]')
    expect(eta).to_contain_text("finishes")
    assert datetime.fromisoformat(str(eta.get_attribute("data-at"))) == opens + timedelta(minutes=2)
