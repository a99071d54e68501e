"""The whole journey in a real browser: sign in, add a sandbox instance, create a campaign from a CSV upload,
preview, start, pause and resume, watch the progress reach 100% without a reload, download the report.

The form labels used here are the ones DESIGN.md names; adjust the page objects
(`tests/browser/pages.py`) rather than this test if a label differs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import CampaignFormPage, CampaignPage, InstancesPage, LoginPage, RecipientsUploadPage

RECIPIENTS = 8


def _csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "clientes.csv"
    lines = ["telefone,Nome"] + [f"+55 11 9800-{n:05d},Cliente {n}" for n in range(RECIPIENTS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_sandbox_instance_added_through_the_form_shows_connected(live_page, served_live, sandbox_url) -> None:
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    LoginPage(live_page, served_live.url).sign_in(served_live.email, served_live.password)
    instances = InstancesPage(live_page, served_live.url)
    instances.add(name="Sandbox one", server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox")
    expect(live_page).to_have_url(f"{served_live.url}/instances")
    assert instances.state_of("Sandbox one") == "open"


def test_the_whole_journey(live_page, served_live, sandbox_url, tmp_path) -> None:
    page, served = live_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    LoginPage(page, served.url).sign_in(served.email, served.password)
    instances = InstancesPage(page, served.url)
    instances.add(name="Journey number", server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox")
    assert instances.state_of("Journey number") == "open"

    form = CampaignFormPage(page, served.url)
    campaign_id = form.create(name="Journey", instance="Journey number", message="Olá {{Nome}}!", rate=60)
    assert RecipientsUploadPage(page, served.url).import_csv(campaign_id, str(_csv_file(tmp_path))) == RECIPIENTS
    assert form.preview_texts(campaign_id)[0] == "Olá Cliente 0!"

    campaign = CampaignPage(page, served.url, campaign_id).open()
    page.evaluate("window.__noReload = true")  # gone if the page ever reloads
    campaign.act("start")
    campaign.wait_for_status("RUNNING")
    campaign.act("pause")
    campaign.wait_for_status("PAUSED")
    campaign.act("resume")
    campaign.wait_for_status("COMPLETED", timeout_ms=90_000)
    assert campaign.percent() == "100.0%"
    assert campaign.block.get_attribute("hx-trigger") is None
    assert page.evaluate("window.__noReload") is True

    rows = list(csv.DictReader(io.StringIO(campaign.download_report().decode("utf-8-sig"))))
    assert [row["Phone"] for row in rows] == [f'="55119800{n:05d}"' for n in range(RECIPIENTS)]  # text for Excel
    assert {row["Status"] for row in rows} <= {"Sent", "Delivered", "Read"}
    assert rows[0]["Nome"] == "Cliente 0" and all(row["Sent at"] for row in rows)
