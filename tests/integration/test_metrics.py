"""GET /metrics: off without a configured token, 401 without the right Bearer token, and its figures move after a
real send against the sandbox and a poll of the progress block."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from litestar import Litestar

from app import create_app
from models.statuses import CampaignStatus
from scheduler.evolution import EvolutionClient
from settings import Settings, load_settings
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import dispatcher, phones, run_until_done, sandbox_instance

TOKEN = "metrics-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
_SAMPLE = re.compile(r"([a-z_]+)(\{[^}]*\})? (\S+)")


def samples(text: str) -> dict[str, float]:
    """Prometheus' text format parsed into {name{labels}: value}, comments left out."""
    parsed: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        match = _SAMPLE.fullmatch(line)
        assert match, f"not a sample line: {line!r}"
        parsed[match[1] + (match[2] or "")] = float(match[3])
    return parsed


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return Settings(**{**settings.__dict__, "metrics_token": TOKEN})


@pytest.fixture
def app(settings: Settings, clock: Any) -> Litestar:
    return create_app(settings, clock=clock)


async def test_without_the_bearer_token_metrics_answer_401_and_show_nothing(client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert "arauto_" not in response.text
    assert (await client.get("/metrics", headers=AUTH)).status_code == 200


async def test_with_no_token_configured_metrics_do_not_exist(db, clock):
    plain = load_settings(environ={}, database_url=db, secret_key="test-secret-key", scheduler_enabled=False)
    app = create_app(plain, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        assert (await http.get("/metrics", headers=AUTH)).status_code == 404


async def test_a_real_send_and_a_progress_poll_move_the_metrics(client, login, make_user, sandbox, clock):
    user = await make_user()
    await login(user)
    instance = await sandbox_instance(user.id, sandbox)
    campaign = await make_campaign(
        user.id, instance.id, recipients=recipient_rows(phones(3)), status=CampaignStatus.RUNNING, rate_limit=60
    )
    before = samples((await client.get("/metrics", headers=AUTH)).text)
    assert before["arauto_queue_depth"] == 3
    assert before[f'arauto_messages_total{{instance="{instance.id}",outcome="sent"}}'] == 0

    async with EvolutionClient(read_timeout=2.0) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    assert (await client.get(f"/campaigns/{campaign.id}/progress")).status_code == 200

    after = samples((await client.get("/metrics", headers=AUTH)).text)
    assert after[f'arauto_messages_total{{instance="{instance.id}",outcome="sent"}}'] == 3
    assert after[f'arauto_messages_total{{instance="{instance.id}",outcome="failed"}}'] == 0
    assert after["arauto_queue_depth"] == 0
    assert after["arauto_send_latency_seconds_count"] - before["arauto_send_latency_seconds_count"] == 3
    assert after['arauto_send_latency_seconds_bucket{le="+Inf"}'] == after["arauto_send_latency_seconds_count"]
    assert after["arauto_progress_poll_seconds_count"] - before["arauto_progress_poll_seconds_count"] == 1
    assert after["arauto_progress_poll_seconds_sum"] > before["arauto_progress_poll_seconds_sum"]
