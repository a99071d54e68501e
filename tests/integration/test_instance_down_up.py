"""An instance going down and coming back acts the same through every path that can notice it (webhook, a send's
InstanceDown, the periodic check, "check now"): its running campaigns pause with the reason shown and without
spending a recipient, they resume when it is back, and a campaign the user paused stays paused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from models.accounts import users
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance
from scheduler.evolution import EvolutionClient
from scheduler.recovery import check_instances
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import counters_match_statuses, dispatcher, phones, run_until_done, sandbox_instance
from tests.webhooks import example, post_event

Step = Callable[[dict[str, Any]], Awaitable[Any]]


@pytest.fixture
async def evolution():
    async with EvolutionClient(read_timeout=0.3, connect_timeout=0.5) as client:
        yield client


@pytest.fixture
async def world(client, clock, sandbox, evolution, make_user) -> dict[str, Any]:
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    running = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(3)), status=CampaignStatus.RUNNING, rate_limit=60
    )
    held = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(2, start=10)), status=CampaignStatus.PAUSED
    )
    await Campaign.update({Campaign.pause_reason: "Paused by the user."}).where(Campaign.id == held.id)
    token = await users.create_api_token(owner.id, "crm", now=clock.now())
    return {
        "client": client,
        "clock": clock,
        "sandbox": sandbox,
        "evolution": evolution,
        "instance": instance,
        "running": running,
        "held": held,
        "auth": {"Authorization": f"Bearer {token}"},
        "sender": dispatcher(clock, evolution),
    }


def webhook(state: str) -> Step:
    async def step(w: dict[str, Any]) -> None:
        w["sandbox"].set_state(state)
        response = await post_event(w["client"], w["instance"], example(f"connection-update.{state}"))
        assert response.status_code == 200

    return step


def send_outcome(state: str) -> Step:
    async def step(w: dict[str, Any]) -> None:
        w["sandbox"].set_state(state)
        await w["sender"].run_pass()

    return step


def periodic_check(state: str) -> Step:
    async def step(w: dict[str, Any]) -> None:
        w["sandbox"].set_state(state)
        await check_instances(w["evolution"], now=w["clock"].now())

    return step


def check_now(state: str) -> Step:
    async def step(w: dict[str, Any]) -> None:
        w["sandbox"].set_state(state)
        response = await w["client"].post(f"/api/instances/{w['instance'].id}/check", headers=w["auth"])
        assert (response.status_code, response.json()["state"]) == (200, state)

    return step


PATHS = {
    "webhook": (webhook("close"), webhook("open")),
    "dispatcher send outcome": (send_outcome("close"), periodic_check("open")),  # a pass never sees "up": no sends
    "periodic check": (periodic_check("close"), periodic_check("open")),
    "check now": (check_now("close"), check_now("open")),
}


async def campaign(campaign_id: int) -> dict[str, Any]:
    row = await Campaign.select(Campaign.status, Campaign.auto_paused, Campaign.pause_reason).where(
        Campaign.id == campaign_id
    ).first()
    assert row is not None
    return row


def sent_numbers(w: dict[str, Any]) -> list[str]:
    requests = w["sandbox"].requests()
    return [r["body"]["number"] for r in requests if r["path"].startswith("/message/send") and r["status"] == 201]


async def nothing_spent(w: dict[str, Any]) -> None:
    messages = await CampaignMessage.select(CampaignMessage.status, CampaignMessage.attempts)
    assert {(m["status"], m["attempts"]) for m in messages} == {(MessageStatus.PENDING, 0)}
    assert sent_numbers(w) == []


@pytest.mark.parametrize("path", list(PATHS))
async def test_instance_down_then_up_pauses_and_resumes_the_same_way_without_spending_a_recipient(
    world, path
) -> None:
    down, up = PATHS[path]
    await down(world)
    paused = await campaign(world["running"].id)
    assert (paused["status"], paused["auto_paused"]) == (CampaignStatus.PAUSED, True)
    assert paused["pause_reason"].strip()
    assert (await Instance.select(Instance.state).first())["state"] == "close"
    await nothing_spent(world)

    await up(world)
    assert await campaign(world["running"].id) == {
        "status": CampaignStatus.RUNNING, "auto_paused": False, "pause_reason": ""
    }  # fmt: skip
    assert await campaign(world["held"].id) == {
        "status": CampaignStatus.PAUSED, "auto_paused": False, "pause_reason": "Paused by the user."
    }  # fmt: skip
    assert (await Instance.select(Instance.state).first())["state"] == "open"

    await run_until_done(world["sender"], world["clock"])
    assert sorted(sent_numbers(world)) == phones(3)
    row, by_status = await counters_match_statuses(world["running"].id)
    assert row == by_status and row["sent"] == 3
