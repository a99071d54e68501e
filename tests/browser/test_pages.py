"""What exists today, in a real browser: signing in, the dashboard, opt-outs, and the live campaign page."""

from __future__ import annotations

import csv
import io
from typing import Any

from playwright.sync_api import expect

from models.accounts.users import get_user_by_email
from models.campaigns import lifecycle
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.browser.conftest import run_in_app_db
from tests.browser.pages import CampaignPage, DashboardPage, LoginPage, OptOutsPage
from tests.browser.server import ServedApp
from tests.factories import NOW, make_campaign, make_instance


def _sign_in(page: Any, served: ServedApp) -> None:
    LoginPage(page, served.url).sign_in(served.email, served.password)


def _seed_running_campaign(served: ServedApp, name: str, recipients: int = 10) -> int:
    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await make_instance(user.id, name=f"{name} number")
        rows = [{"phone": f"5511988{n:06d}", "variables": {"Nome": f"Cliente {n}"}} for n in range(recipients)]
        campaign = await make_campaign(user.id, instance.id, recipients=rows, name=name)
        await lifecycle.apply(campaign.id, "start", owner_id=user.id, now=NOW)
        return int(campaign.id)

    return int(run_in_app_db(served, seed))


def _send_all(served: ServedApp, campaign_id: int) -> None:
    """Play the sender's part: every recipient sent, counters moved, the campaign completed."""

    async def finish() -> None:
        await CampaignMessage.update(
            {CampaignMessage.status: MessageStatus.SENT.value, CampaignMessage.sent_at: NOW}
        ).where(CampaignMessage.campaign == campaign_id)
        await Campaign.update(
            {Campaign.sent_count: Campaign.total_recipients, Campaign.pending_count: 0}
        ).where(Campaign.id == campaign_id)
        await lifecycle.apply(campaign_id, "complete", owner_id=None, now=NOW)

    run_in_app_db(served, finish)


def test_sign_in_leads_to_the_campaigns(page, served) -> None:
    _sign_in(page, served)
    expect(page).to_have_url(f"{served.url}/campaigns")


def test_dashboard_counts_the_users_campaigns(page, served) -> None:
    _seed_running_campaign(served, "Dashboard check")
    _sign_in(page, served)
    dashboard = DashboardPage(page, served.url).open()
    assert int(dashboard.stat("total")) >= 1
    expect(page.locator("#running")).to_contain_text("Dashboard check")


def test_opt_outs_add_refuse_and_remove(page, served) -> None:
    _sign_in(page, served)
    optouts = OptOutsPage(page, served.url).open()
    optouts.add("+55 11 98765-4321", "asked on the phone")
    assert "5511987654321" in optouts.phones()
    optouts.add("12")
    assert optouts.field_error() == "“12”: too short."
    optouts.open().remove("5511987654321")
    assert "5511987654321" not in optouts.phones()


def test_campaign_page_pauses_resumes_and_reaches_100_percent_without_reload(page, served) -> None:
    campaign_id = _seed_running_campaign(served, "Live block")
    _sign_in(page, served)
    campaign = CampaignPage(page, served.url, campaign_id).open()
    page.evaluate("window.__noReload = true")  # disappears if the page ever reloads
    campaign.act("pause")
    campaign.wait_for_status("PAUSED", timeout_ms=5_000)
    campaign.act("resume")
    campaign.wait_for_status("RUNNING", timeout_ms=5_000)
    _send_all(served, campaign_id)
    campaign.wait_for_status("COMPLETED", timeout_ms=10_000)
    assert campaign.percent() == "100.0%"
    assert campaign.block.get_attribute("hx-trigger") is None  # polling stopped
    assert page.evaluate("window.__noReload") is True


def test_cancel_asks_for_confirmation(page, served) -> None:
    campaign_id = _seed_running_campaign(served, "To cancel")
    _sign_in(page, served)
    campaign = CampaignPage(page, served.url, campaign_id).open()
    expect(campaign.block.locator('button[data-action="confirm-cancel"]')).to_be_hidden()
    campaign.cancel()
    campaign.wait_for_status("CANCELLED", timeout_ms=5_000)


def test_report_download_lists_the_recipients(page, served) -> None:
    campaign_id = _seed_running_campaign(served, "Report", recipients=3)
    _send_all(served, campaign_id)
    _sign_in(page, served)
    content = CampaignPage(page, served.url, campaign_id).open().download_report()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [(row["Phone"], row["Nome"], row["Status"]) for row in rows] == [
        (f'="5511988{n:06d}"', f"Cliente {n}", "Sent") for n in range(3)
    ]


def test_recipients_filter_and_pages_swap_the_table_in_place(page, served) -> None:
    campaign_id = _seed_running_campaign(served, "Table", recipients=60)
    _sign_in(page, served)
    campaign = CampaignPage(page, served.url, campaign_id).open()
    page.evaluate("window.__noReload = true")
    assert len(campaign.recipient_phones()) == 50
    campaign.next_recipients_page()
    expect(page.locator(f"#campaign-{campaign_id}-recipients tbody tr[data-phone]")).to_have_count(10)
    campaign.filter_recipients("FAILED")
    expect(page.locator(f"#campaign-{campaign_id}-recipients tbody tr[data-phone]")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True


def test_chromium_reports_no_content_security_policy_violation_on_the_pages(page, served) -> None:
    """The policy forbids inline script and <style> elements: every page, and htmx, must work within it."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)
    campaign_id = _seed_running_campaign(served, "Policy check")
    _sign_in(page, served)
    for path in ["/dashboard", "/campaigns", f"/campaigns/{campaign_id}", "/instances", "/account", "/templates"]:
        page.goto(f"{served.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
