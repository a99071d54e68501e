"""/readyz: 200 when the database answers with every migration applied and the sender runs (when it should);
503 naming the failing check otherwise. /healthz only says the process is alive."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from litestar import Litestar

from app import create_app
from models.health import expected_migrations
from models.tables import Campaign
from settings import Settings


@pytest.fixture
async def sender_app(settings: Settings, clock) -> AsyncIterator[tuple[Litestar, httpx.AsyncClient]]:
    """The app with its sender running, as `arauto run` starts it."""
    app = create_app(Settings(**{**settings.__dict__, "scheduler_enabled": True}), clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield app, http


async def test_a_migrated_database_is_ready(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "failing": {}}
    assert (await client.get("/healthz")).json() == {"status": "ok"}


@pytest.fixture
async def latest_migration_forgotten(client) -> AsyncIterator[str]:
    """The latest migration's record removed, then put back (PostgreSQL keeps one migrated database per session)."""
    latest = max(expected_migrations())
    [record] = await Campaign.raw("SELECT ran_on FROM migration WHERE app_name = 'arauto' AND name = {}", latest)
    await Campaign.raw("DELETE FROM migration WHERE app_name = 'arauto' AND name = {}", latest)
    try:
        yield latest
    finally:
        await Campaign.raw(
            "INSERT INTO migration (name, app_name, ran_on) VALUES ({}, 'arauto', {})", latest, record["ran_on"]
        )


async def test_a_database_missing_a_migration_is_not_ready_and_says_which(client, latest_migration_forgotten):
    latest = latest_migration_forgotten
    response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready" and list(body["failing"]) == ["migrations"]
    assert latest in body["failing"]["migrations"]
    assert (await client.get("/healthz")).status_code == 200  # alive all the same


async def test_with_the_scheduler_on_the_app_is_ready_only_while_its_sender_runs(sender_app):
    app, http = sender_app
    assert (await http.get("/readyz")).status_code == 200
    app.state.scheduler.shutdown(wait=False)
    response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == {"sender": "not running"}
