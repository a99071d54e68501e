"""One pooled Evolution client per app: the sender's sends and a page's test send share its connection pool."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from litestar import Litestar

from app import create_app
from models.statuses import CampaignStatus
from settings import Settings
from tests.clock import FakeClock
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.web import html
from tests.sending_helpers import sandbox_instance

CAMPAIGN_PHONE = "5511987650001"
TEST_SEND_PHONE = "5511987650002"


@pytest.fixture
def app(settings: Settings, clock: FakeClock) -> Litestar:
    """The app with its sender running in the lifespan (page tests run without it)."""
    return create_app(dataclasses.replace(settings, scheduler_enabled=True), clock=clock)


async def test_the_sender_and_a_test_send_use_the_apps_one_connection_pool(app, client, login, make_user, sandbox):
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    running = await make_campaign(
        user.id, instance.id, recipients=recipient_rows([CAMPAIGN_PHONE]), status=CampaignStatus.RUNNING
    )
    draft = await make_campaign(
        user.id, instance.id, recipients=recipient_rows([TEST_SEND_PHONE]), status=CampaignStatus.DRAFT
    )
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(request.content.decode())

    pool = app.state.evolution._client(sandbox.url)  # the app's pool for this Evolution server
    pool.event_hooks["request"].append(on_request)
    await login(user)
    page = f"/campaigns/{draft.id}"
    token = html(await client.get(page)).select_one('input[name="_csrf_token"]')["value"]
    answer = await client.post(
        f"{page}/test-send", data={"phone": TEST_SEND_PHONE}, headers={"HX-Request": "true", "x-csrftoken": token}
    )
    assert html(answer).select_one("#test-send-result")["data-ok"] == "true"
    await app.state.sender.dispatcher.run_pass()
    sent_through_pool = [body for body in seen if '"number"' in body]
    assert any(TEST_SEND_PHONE in body for body in sent_through_pool)
    assert any(CAMPAIGN_PHONE in body for body in sent_through_pool), f"campaign {running.id} bypassed the pool"
    assert app.state.sender.client is app.state.evolution

