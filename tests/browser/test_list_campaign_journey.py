"""A campaign built from a list with an exclusion list, through the pages only, in a real browser: lists filled
from an XLSX and a CSV, chosen on the campaign page's audience panel, counted before Start, then sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import AudiencePanel, CampaignFormPage, CampaignPage, InstancesPage, ListsPage, LoginPage
from tests.spreadsheets import xlsx

CUSTOMERS = [f"55119700{n:05d}" for n in range(5)]


def test_a_campaign_from_a_list_minus_an_exclusion_list_sends_to_exactly_the_previewed_numbers(
    live_page, served_live, sandbox_url, tmp_path: Path
) -> None:
    page, served = live_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    LoginPage(page, served.url).sign_in(served.email, served.password)
    InstancesPage(page, served.url).add(
        name="Lists number", server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox"
    )
    customers = tmp_path / "clientes.xlsx"
    customers.write_bytes(xlsx([["Celular", "Nome"], *[[int(p), f"Cliente {n}"] for n, p in enumerate(CUSTOMERS)]]))
    blocked = tmp_path / "bloqueados.csv"
    blocked.write_text("telefone\n" + "\n".join(CUSTOMERS[:2]) + "\n", encoding="utf-8")
    lists = ListsPage(page, served.url)
    assert lists.create_and_import("Clientes journey", str(customers)) == 5
    assert lists.create_and_import("Bloqueados journey", str(blocked)) == 2

    campaign_id = CampaignFormPage(page, served.url).create(
        name="From lists", instance="Lists number", message="Oi {{Nome}}!", rate=60
    )
    panel = AudiencePanel(page, campaign_id)
    panel.choose_lists(send_to=["Clientes journey"], leave_out=["Bloqueados journey"])
    expect(panel.panel.locator('[data-category="willReceive"] .value')).to_have_text("3")
    assert (panel.count("listed"), panel.count("excluded")) == ("5", "2")

    campaign = CampaignPage(page, served.url, campaign_id)
    campaign.act("start")
    campaign.wait_for_status("COMPLETED", timeout_ms=90_000)
    campaign.open()
    assert sorted(campaign.recipient_phones()) == CUSTOMERS[2:]
