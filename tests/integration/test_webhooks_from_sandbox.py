"""The webhook Arauto registers, end to end: the sandbox posts real envelopes (with our secret header) to a sink,
and each captured request is replayed into the in-process app exactly as received."""

from __future__ import annotations

import pytest

from models.accounts import users
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Instance, OptOut
from scheduler.evolution import EvolutionClient, Sent
from settings import Settings, load_settings
from tests.factories import make_campaign
from tests.webhooks import campaign_row, message_row

PHONE = "5511977776666"


@pytest.fixture
def settings(db: str, webhook_sink) -> Settings:
    """Arauto's public address is the sink, so the webhook Evolution calls lands there."""
    return load_settings(
        environ={}, database_url=db, secret_key="test-secret-key", scheduler_enabled=False,
        base_url=webhook_sink.url,
    )  # fmt: skip


@pytest.fixture
async def instance(client, make_user, clock, sandbox) -> Instance:
    user = await make_user()
    token = await users.create_api_token(user.id, "tests", now=clock.now())
    body = {"name": "Sandbox", "serverUrl": sandbox.url, "apiKey": sandbox.api_key, "instanceName": sandbox.instance}
    response = await client.post("/api/instances", json=body, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    instance = await Instance.objects().first()
    assert instance is not None
    return instance


async def forward(client, hooks) -> list[int]:
    """Replay what the sink received into the app (path below the sink's /hooks prefix, same headers)."""
    statuses = []
    for hook in hooks:
        headers = {"x-arauto-secret": hook.headers["x-arauto-secret"]}
        response = await client.post(hook.path.removeprefix("/hooks"), json=hook.body, headers=headers)
        statuses.append(response.status_code)
    return statuses


async def test_real_receipts_through_the_registered_webhook_mark_the_message_read(
    client, instance, sandbox, webhook_sink
) -> None:
    async with EvolutionClient() as evolution:
        sent = await evolution.send_text(sandbox.address, PHONE, "Hello")
    assert isinstance(sent, Sent)
    rows = [{"phone": PHONE, "status": MessageStatus.SENT, "evolution_id": sent.key_id}]
    campaign = await make_campaign(instance.owner, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    hooks = await webhook_sink.wait_for(3, "messages.update")
    assert hooks[0].path == f"/hooks/webhooks/evolution/{instance.id}"
    assert await forward(client, webhook_sink.events()) == [200] * len(webhook_sink.events())
    assert (await message_row(campaign.id, PHONE))["status"] == MessageStatus.READ
    row = await campaign_row(campaign.id)
    assert (row["sent_count"], row["delivered_count"], row["read_count"]) == (1, 1, 1)


async def test_a_real_stop_reply_through_the_registered_webhook_opts_the_number_out(
    client, instance, sandbox, webhook_sink
) -> None:
    campaign = await make_campaign(instance.owner, instance.id, recipients=[{"phone": PHONE}])
    sandbox.inject_inbound(PHONE, " stop ")
    await forward(client, await webhook_sink.wait_for(1, "messages.upsert"))
    assert await OptOut.select(OptOut.phone, OptOut.source) == [{"phone": PHONE, "source": "reply"}]
    assert (await message_row(campaign.id, PHONE))["status"] == MessageStatus.SKIPPED


async def test_a_real_disconnect_through_the_registered_webhook_pauses_and_reconnect_resumes(
    client, instance, sandbox, webhook_sink
) -> None:
    rows = [{"phone": PHONE}]
    campaign = await make_campaign(instance.owner, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    sandbox.set_state("close", status_reason=401)
    await forward(client, await webhook_sink.wait_for(1, "connection.update"))
    assert (await campaign_row(campaign.id))["status"] == CampaignStatus.PAUSED
    sandbox.set_state("open")
    hooks = await webhook_sink.wait_for(2, "connection.update")
    await forward(client, hooks[1:])
    assert (await campaign_row(campaign.id))["status"] == CampaignStatus.RUNNING
