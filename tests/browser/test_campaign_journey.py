"""The whole journey in a real browser: sign in, add a sandbox instance, create a campaign from a CSV upload,
preview, start (through its confirmation: how many, through which number, when it finishes), pause and resume,
watch the progress reach 100% without a reload, download the report.

It runs twice: in English, and in Brazilian Portuguese (a browser whose language is pt-BR, so every label, the
report's separator and its words are the Portuguese ones).

The form labels used here are the ones DESIGN.md names; adjust the page objects
(`tests/browser/pages.py`) rather than this test if a label differs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page
from tests.browser.pages import CampaignFormPage, CampaignPage, InstancesPage, LoginPage, RecipientsUploadPage
from tests.browser.server import ServedApp

RECIPIENTS = 8
# What the run reads in each language: the percent done, and the downloaded report's separator, header words and
# the statuses of a sent row.
SEEN: dict[str, dict[str, Any]] = {
    "en": {
        "done": "100.0%",
        "delimiter": ",",
        "phone": "Phone",
        "status": "Status",
        "sent_at": "Sent at",
        "sent": {"Sent", "Delivered", "Read"},
    },
    "pt-BR": {
        "done": "100,0 %",
        "delimiter": ";",
        "phone": "Telefone",
        "status": "Situação",
        "sent_at": "Enviada em",
        "sent": {"Enviada", "Entregue", "Lida"},
    },
}


@pytest.fixture(params=["en", "pt-BR"])
def journey_page(request: pytest.FixtureRequest, browser: Any, served_live: ServedApp) -> Iterator[tuple[Any, str]]:
    """A browser page whose language is the run's locale (Accept-Language), on the live app."""
    for page in new_page(browser, served_live, locale=request.param):
        yield page, request.param


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


def test_the_whole_journey(journey_page, served_live, sandbox_url, tmp_path) -> None:
    (page, locale), served = journey_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    LoginPage(page, served.url, locale).sign_in(served.email, served.password)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    number = f"Journey number {locale}"
    instances = InstancesPage(page, served.url, locale)
    instances.add(name=number, server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox")
    assert instances.state_of(number) == "open"

    form = CampaignFormPage(page, served.url, locale)
    campaign_id = form.create(name="Journey", instance=number, message="Olá {{Nome}}!", rate=60)
    uploads = RecipientsUploadPage(page, served.url, locale)
    assert uploads.import_csv(campaign_id, str(_csv_file(tmp_path))) == RECIPIENTS
    assert form.preview_texts(campaign_id)[0] == "Olá Cliente 0!"

    campaign = CampaignPage(page, served.url, campaign_id).open()
    said = campaign.confirm_start()  # Start leads to its confirmation page, whose button starts it
    assert said["will-send"] == str(RECIPIENTS) and said["numbers"] == number
    assert said["finish"].strip() and "more-than-a-day" not in said
    campaign.wait_for_status("RUNNING")
    page.evaluate("window.__noReload = true")  # gone if the page ever reloads
    campaign.act("pause")
    campaign.wait_for_status("PAUSED")
    campaign.act("resume")
    campaign.wait_for_status("COMPLETED", timeout_ms=90_000)
    words = SEEN[locale]
    assert campaign.percent().replace("\xa0", " ") == words["done"]
    assert campaign.block.get_attribute("hx-trigger") is None
    assert page.evaluate("window.__noReload") is True

    text = campaign.download_report().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=words["delimiter"]))
    assert [row[words["phone"]] for row in rows] == [f'="55119800{n:05d}"' for n in range(RECIPIENTS)]  # Excel text
    assert {row[words["status"]] for row in rows} <= words["sent"]
    assert rows[0]["Nome"] == "Cliente 0" and all(row[words["sent_at"]] for row in rows)
