"""The campaign page stays true in a real browser, with the sender on against the sandbox: after Start, mid-run
and at the end, its buttons, funnel and chart match its counters without a reload, and polling stops at the end."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from models.accounts.users import get_user_by_email
from tests.browser.conftest import run_in_app_db, sandbox_number
from tests.browser.pages import CampaignPage, LoginPage
from tests.browser.server import ServedApp
from tests.factories import make_campaign

RECIPIENTS = 5


def _seed_draft(served: ServedApp, sandbox_url: str) -> int:
    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await sandbox_number(user.id, sandbox_url, "Live page number")
        rows = [{"phone": f"5511977{n:06d}", "variables": {"Nome": f"Cliente {n}"}} for n in range(RECIPIENTS)]
        campaign = await make_campaign(user.id, instance.id, recipients=rows, name="Live page", rate_limit=30)
        return int(campaign.id)

    return int(run_in_app_db(served, seed))


def _consistent(snapshot: dict[str, int]) -> bool:
    return (
        snapshot["sent"] == snapshot["funnel_sent"] == snapshot["chart_sends"]
        and snapshot["failed"] == snapshot["funnel_failed"]
        and snapshot["read"] == snapshot["funnel_read"]
    )


def _wait_for(page: Any, campaign: CampaignPage, check: Any, timeout_s: float) -> dict[str, int]:
    """Poll the page (never reload it) until `check(snapshot)` holds; the last snapshot on failure."""
    deadline = timeout_s * 1000
    waited = 0
    snapshot = campaign.snapshot()
    while not check(snapshot):
        assert waited < deadline, f"page never reached the state; last seen {snapshot}"
        page.wait_for_timeout(200)
        waited += 200
        snapshot = campaign.snapshot()
    return snapshot


def test_the_campaign_page_stays_true_from_start_to_the_end(live_page, served_live, sandbox_url) -> None:
    page, served = live_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    campaign_id = _seed_draft(served, sandbox_url)
    LoginPage(page, served.url).sign_in(served.email, served.password)
    campaign = CampaignPage(page, served.url, campaign_id).open()
    assert campaign.header_links() == ["edit-campaign", "upload-recipients", "export-report", "export-report-xlsx"]
    assert campaign.buttons() == ["start"]
    assert campaign.snapshot()["chart_sends"] == 0

    said = campaign.confirm_start()  # a page of its own (works without JavaScript), back to the campaign after it
    assert said["will-send"] == str(RECIPIENTS)
    page.evaluate("window.__noReload = true")  # gone if the page ever reloads from here on
    campaign.wait_for_status("RUNNING", timeout_ms=5_000)
    assert campaign.header_links() == ["export-report", "export-report-xlsx"]  # no Edit or Upload on a RUNNING campaign
    assert campaign.buttons() == ["pause", "confirm-cancel"]
    expect(page.locator(".flash-success")).to_contain_text("Campaign started.")

    mid = _wait_for(page, campaign, lambda s: 0 < s["sent"] < s["total"] and _consistent(s), timeout_s=60)
    assert mid["total"] == RECIPIENTS and campaign.status() == "RUNNING"
    assert campaign.buttons() == ["pause", "confirm-cancel"]

    campaign.wait_for_status("COMPLETED", timeout_ms=90_000)
    end = campaign.snapshot()
    assert _consistent(end) and end["sent"] == RECIPIENTS, end
    assert campaign.percent() == "100.0%"
    assert campaign.buttons() == [] and campaign.header_links() == ["export-report", "export-report-xlsx"]
    expect(page.locator(f"#campaign-{campaign_id}-announcer")).to_have_text("Campaign status: Completed")
    assert campaign.block.get_attribute("hx-trigger") is None
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/progress" in request.url else None)
    page.wait_for_timeout(4_500)
    assert polls == []  # polling stopped
    assert page.evaluate("window.__noReload") is True
