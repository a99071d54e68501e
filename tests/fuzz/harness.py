"""The app as the fuzzers see it: an owner with data, a Bearer token, and no way out to the network.

Fuzzed `serverUrl`s could name any host, so the app's Evolution client here refuses every connection
(the path a down server takes) instead of reaching addresses outside this machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from litestar import Litestar

from app import create_app
from models.accounts.users import create_api_token, create_user
from models.inbound.optouts import add_opt_out
from models.message_templates import TemplateInput, create
from models.statuses import CampaignStatus, MessageStatus
from scheduler.evolution import EvolutionClient
from settings import Settings
from tests.clock import FakeClock
from tests.factories import NOW, make_campaign, make_instance, recipient_rows


class _Refused(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("fuzzing: no outbound connections", request=request)


class OfflineEvolutionClient(EvolutionClient):
    """The real client, whose every server refuses the connection."""

    def _client(self, server_url: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=server_url.rstrip("/"), transport=_Refused())


@asynccontextmanager
async def _offline_evolution(app: Litestar) -> AsyncIterator[None]:
    app.state.evolution = OfflineEvolutionClient()
    yield


def offline_app(settings: Settings, clock: FakeClock) -> Litestar:
    return create_app(settings, clock=clock, extra_lifespans=[_offline_evolution])


@dataclass(frozen=True)
class Owner:
    token: str
    instance_id: int
    campaign_ids: tuple[int, ...]
    template_id: int


async def seed_owner() -> Owner:
    """A user with an instance, campaigns in several states, a template and an opt-out (fixed ids 1..n)."""
    user = await create_user("owner@example.com", "correct horse battery", iterations=1_000)
    token = await create_api_token(user.id, "fuzz", now=NOW)
    instance = await make_instance(user.id)
    campaigns = [
        await make_campaign(user.id, instance.id, recipients=recipient_rows(["5511988880001", "5511988880002"])),
        await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING, started_at=NOW,
                            recipients=recipient_rows(["5511988880003"])),
        await make_campaign(user.id, instance.id, status=CampaignStatus.COMPLETED, completed_at=NOW,
                            recipients=[{"phone": "5511988880004", "status": MessageStatus.READ}]),
    ]  # fmt: skip
    template = await create(TemplateInput(name="Welcome", body="Hi {{name}}"), owner_id=user.id, now=NOW)
    await add_opt_out(user.id, "+55 11 98888-0009", region="BR", now=NOW)
    return Owner(token, int(instance.id), tuple(int(c.id) for c in campaigns), int(template.id))
