"""An image uploaded in the browser shows in the preview bubble and reaches Evolution (the sandbox) as base64."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    CampaignFormPage,
    CampaignPage,
    ComposerPage,
    InstancesPage,
    LoginPage,
    RecipientsUploadPage,
)
from tests.media_files import png_bytes


def test_an_uploaded_image_reaches_the_sandbox_as_base64_equal_to_the_file(
    live_page, served_live, sandbox_url, tmp_path: Path
) -> None:
    page, served = live_page, served_live
    if not sandbox_url:
        pytest.skip("no sandbox package in this checkout")
    LoginPage(page, served.url).sign_in(served.email, served.password)
    InstancesPage(page, served.url).add(
        name="Media number", server_url=sandbox_url, api_key="sandbox-key", instance_name="sandbox"
    )
    campaign_id = CampaignFormPage(page, served.url).create(
        name="With a picture", instance="Media number", message="*Oferta* {{Nome}}", rate=60
    )
    recipients = tmp_path / "one.csv"
    recipients.write_text("telefone,Nome\n+55 11 98777-0001,Bia\n", encoding="utf-8")
    assert RecipientsUploadPage(page, served.url).import_csv(campaign_id, str(recipients)) == 1
    image = png_bytes(4, 4)
    picture = tmp_path / "promo.png"
    picture.write_bytes(image)
    ComposerPage(page, served.url).upload_media(campaign_id, str(picture))
    shown = page.locator("#campaign-preview .bubble img.media")
    expect(shown).to_be_visible()
    assert page.evaluate("document.querySelector('#campaign-preview .bubble img.media').naturalWidth") == 4

    campaign = CampaignPage(page, served.url, campaign_id).open()
    campaign.act("start")
    campaign.wait_for_status("COMPLETED", timeout_ms=60_000)
    log = httpx.get(f"{sandbox_url}/_sandbox/requests", headers={"apikey": "sandbox-key"}, timeout=5).json()
    sends = [
        r["body"] for r in log if r["path"].startswith("/message/sendMedia") and "987770001" in r["body"]["number"]
    ]
    assert len(sends) == 1
    assert (sends[0]["mediatype"], sends[0]["fileName"], sends[0]["caption"]) == ("image", "promo.png", "*Oferta* Bia")
    assert base64.b64decode(sends[0]["media"], validate=True) == image
