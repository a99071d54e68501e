"""PNG screenshots of the real app for the README: `python -m scripts.screenshots` writes docs/screenshots/.

The app is served exactly as the browser tests serve it (uvicorn subprocess, its own SQLite file); a demo
campaign is seeded halfway through its send, and headless Chromium (Debian's, never downloaded) takes the shots
in Brazilian Portuguese (the app's default language, and the browser's), the language of the README's readers.
A page that does not exist in this checkout yet (HTTP 404) is skipped with a note, not faked.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.pages import LoginPage
from tests.browser.server import REPO, ServedApp, serve_app

OUT = REPO / "docs" / "screenshots"
LOCALE = "pt-BR"
ENV = {"ARAUTO_DEFAULT_LOCALE": LOCALE, "ARAUTO_DEFAULT_TIMEZONE": "America/Sao_Paulo"}
FIRST_NAMES = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabi", "Hugo"]


def demo_rows(count: int, *, sent: int) -> list[dict[str, Any]]:
    """Recipients with names and coupons; the first `sent` already have an outcome (mostly read, a few failed)."""
    from models.statuses import MessageStatus

    outcomes = [MessageStatus.READ, MessageStatus.DELIVERED, MessageStatus.SENT, MessageStatus.FAILED]
    chooser = random.Random(7)
    return [
        {
            "phone": f"55119{87000000 + n:08d}",
            "status": chooser.choices(outcomes, [5, 3, 2, 1])[0] if n < sent else MessageStatus.PENDING,
            "variables": {"Nome": FIRST_NAMES[n % len(FIRST_NAMES)], "Cupom": f"BF{n:03d}"},
        }
        for n in range(count)
    ]


async def seed_demo(served: ServedApp) -> tuple[int, int]:
    """A campaign of 400 recipients, RUNNING, half sent over the last 20 minutes with receipts and a few failures;
    and a DRAFT of 50 recipients whose edit form shows the preview."""
    from models.accounts.users import get_user_by_email
    from models.campaigns import lifecycle
    from models.db import use_engine
    from models.engines import engine_from_url
    from models.statuses import MessageStatus
    from models.tables import CampaignMessage
    from tests.factories import make_campaign, make_instance

    use_engine(engine_from_url(served.database_url))
    user = await get_user_by_email(served.email)
    assert user is not None
    now = datetime.now(UTC)
    instance = await make_instance(user.id, name="Loja Centro", sent_today=200, sent_day=now.date(), daily_cap=1000)
    rows = demo_rows(400, sent=200)
    campaign = await make_campaign(
        user.id, instance.id, recipients=rows, name="Black Friday — clientes VIP",
        message="Olá {{Nome}}! Sua oferta exclusiva chegou: use o cupom {{Cupom}} até domingo.", rate_limit=10,
    )
    await lifecycle.apply(campaign.id, "start", owner_id=user.id, now=now - timedelta(minutes=20))
    sent = await CampaignMessage.select(CampaignMessage.id, CampaignMessage.status).where(
        (CampaignMessage.campaign == campaign.id) & (CampaignMessage.status != MessageStatus.PENDING.value)
    ).order_by(CampaignMessage.id)
    for index, row in enumerate(sent):
        at = now - timedelta(minutes=20) + timedelta(seconds=index * 6)
        changes: dict[Any, Any]
        if row["status"] == MessageStatus.FAILED.value:
            changes = {CampaignMessage.failed_at: at, CampaignMessage.error: "Not on WhatsApp"}
        else:
            changes = {CampaignMessage.sent_at: at, CampaignMessage.attempts: 1}
        await CampaignMessage.update(changes).where(CampaignMessage.id == row["id"])
    draft = await make_campaign(
        user.id, instance.id, recipients=demo_rows(50, sent=0), name="Natal — lista geral",
        message="Oi {{Nome}}, seu cupom de Natal é *{{Cupom}}*.\n_Responda SAIR para não receber mais._", rate_limit=20,
    )
    return int(campaign.id), int(draft.id)


def shoot(served: ServedApp, campaign_id: int, draft_id: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    notes = []
    shots = {
        "campaign-list.png": "/campaigns",
        "campaign-form.png": f"/campaigns/{draft_id}/edit",
        "campaign-running.png": f"/campaigns/{campaign_id}",
        "dashboard.png": "/dashboard",
    }
    phone_shots = {"campaign-phone.png": f"/campaigns/{campaign_id}"}  # a 390 px phone: menu button, cards
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=LOCALE).new_page()
        LoginPage(page, served.url, LOCALE).sign_in(served.email, served.password)
        for name, path in shots.items():
            response = page.goto(f"{served.url}{path}")
            if response is None or response.status >= 400:
                notes.append(f"skipped {name}: {path} answered {response.status if response else 'nothing'}")
                continue
            page.screenshot(path=str(OUT / name))
            notes.append(f"wrote docs/screenshots/{name}")
        page.set_viewport_size({"width": 390, "height": 844})
        for name, path in phone_shots.items():
            page.goto(f"{served.url}{path}")
            page.screenshot(path=str(OUT / name))
            notes.append(f"wrote docs/screenshots/{name}")
        browser.close()
    return notes


def main() -> int:
    if chromium_path() is None:
        print("No Chromium: install Debian's `chromium` package or set ARAUTO_CHROMIUM.", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, serve_app(Path(workdir), scheduler=False, extra_env=ENV) as served:
        with ThreadPoolExecutor(max_workers=1) as pool:
            campaign_id, draft_id = pool.submit(asyncio.run, seed_demo(served)).result()
        for note in shoot(served, campaign_id, draft_id):
            print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
