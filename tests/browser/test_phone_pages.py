"""Phone-sized pages in a real browser: one-line navigation, cards instead of wide tables, nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from models.accounts.users import get_user_by_email
from models.statuses import CampaignStatus, MessageStatus
from tests.browser.conftest import run_in_app_db
from tests.browser.pages import LoginPage
from tests.browser.server import ServedApp
from tests.factories import make_campaign, make_instance

FAILURE = "Not on WhatsApp: the number 5511988000001 has no WhatsApp account (checked by Evolution)"


def _seed_draft(served: ServedApp, name: str) -> int:
    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await make_instance(user.id, name=f"{name} number")
        rows = [{"phone": "5511988000003", "variables": {"Nome": "Cida", "Cidade": "Recife"}}]
        return int((await make_campaign(user.id, instance.id, recipients=rows, name=name)).id)

    return int(run_in_app_db(served, seed))


def _seed_failed_campaign(served: ServedApp, name: str) -> int:
    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await make_instance(user.id, name=f"{name} number")
        rows = [
            {"phone": "5511988000001", "status": MessageStatus.FAILED, "variables": {"Nome": "Ana"}},
            {"phone": "5511988000002", "status": MessageStatus.SENT, "variables": {"Nome": "Bia"}},
        ]
        campaign = await make_campaign(user.id, instance.id, recipients=rows, name=name, status=CampaignStatus.PAUSED)
        from models.tables import CampaignMessage

        await CampaignMessage.update({CampaignMessage.error: FAILURE}).where(
            (CampaignMessage.campaign == campaign.id) & (CampaignMessage.phone == "5511988000001")
        )
        return int(campaign.id)

    return int(run_in_app_db(served, seed))


def _phone(page: Any, served: ServedApp, width: int) -> None:
    """Signed in (on the laptop-sized page, where "Sign out" is in view), then turned into a phone."""
    LoginPage(page, served.url).sign_in(served.email, served.password)
    page.set_viewport_size({"width": width, "height": 800})


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("width", [360, 390])
def test_no_page_of_the_journey_scrolls_sideways(page, served, width, tmp_path) -> None:
    campaign_id = _seed_failed_campaign(served, f"Narrow {width}")
    draft_id = _seed_draft(served, f"Draft {width}")
    _phone(page, served, width)
    paths = [
        "/dashboard",
        "/campaigns",
        "/campaigns/new",
        f"/campaigns/{campaign_id}",
        f"/campaigns/{campaign_id}/recipients/upload",
        "/templates",
        "/templates/new",
        "/instances",
        "/instances/new",
        "/opt-outs",
        "/account",
        f"/campaigns/{draft_id}/edit",
    ]
    wide = {}
    for path in paths:
        page.goto(f"{served.url}{path}")
        wide[path] = _overflow(page)
    csv_file = tmp_path / "wide.csv"
    csv_file.write_text("telefone,Nome completo do cliente,Cidade de residência\n+55 11 98000-0001,Ana,Recife\n")
    page.goto(f"{served.url}/campaigns/{draft_id}/recipients/upload")
    page.set_input_files("#file", str(csv_file))
    page.get_by_role("button", name="Next: choose the columns").click()
    expect(page.locator("#recipients-mapping")).to_be_visible()
    wide["mapping"] = _overflow(page)
    assert {path: extra for path, extra in wide.items() if extra > 0} == {}


def test_the_recipients_table_shows_a_failed_messages_error_at_390_px(page, served) -> None:
    campaign_id = _seed_failed_campaign(served, "Why it failed")
    _phone(page, served, 390)
    page.goto(f"{served.url}/campaigns/{campaign_id}")
    error = page.locator(f'#campaign-{campaign_id}-recipients tr[data-phone="5511988000001"] .error-cell')
    expect(error).to_be_visible()
    expect(error).to_contain_text(FAILURE)
    status = page.locator(f'#campaign-{campaign_id}-recipients tr[data-phone="5511988000001"] .badge')
    expect(status).to_be_visible()


def test_the_campaign_list_shows_status_and_progress_at_390_px(page, served) -> None:
    campaign_id = _seed_failed_campaign(served, "Listed on a phone")
    _phone(page, served, 390)
    page.goto(f"{served.url}/campaigns")
    row = page.locator(f'#campaign-table tr[data-id="{campaign_id}"]')
    expect(row.locator(".badge")).to_be_visible()
    expect(row.locator(".progress-cell")).to_be_visible()


def test_the_menu_fits_one_line_at_390_px_and_opens_with_its_button(page, served) -> None:
    _phone(page, served, 390)
    page.goto(f"{served.url}/campaigns")
    assert page.locator(".topbar").bounding_box()["height"] < 64
    links = page.locator(".nav-links")
    expect(links).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(links).to_be_visible()
    expect(links.locator('a[aria-current="page"]')).to_have_text("Campaigns")


def test_the_menu_shows_every_link_on_a_laptop(page, served) -> None:
    LoginPage(page, served.url).sign_in(served.email, served.password)
    page.goto(f"{served.url}/templates")
    expect(page.locator(".nav-links")).to_be_visible()
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator('.nav-links a[aria-current="page"]')).to_have_text("Templates")
