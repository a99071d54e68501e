"""Helpers for webhook tests: the example payloads (copied from the Evolution contract) and posting them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx

from models.tables import Campaign, CampaignMessage, Instance, WebhookEvent

EXAMPLES = Path(__file__).parent / "data" / "evolution"
KEY_ID = "3EB0C431E6B09A7F2D5E81"  # the campaign message every example refers to
PHONE = "5511988887777"


def example(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((EXAMPLES / f"webhook.{name}.json").read_text()))


def example_names() -> list[str]:
    return sorted(path.name.removeprefix("webhook.").removesuffix(".json") for path in EXAMPLES.glob("webhook.*.json"))


def receipt(status: str, key_id: str = KEY_ID, date_time: str = "2025-10-21T14:40:42.688Z") -> dict[str, Any]:
    body = example("messages-update.delivery-ack")
    body["data"].update(status=status, keyId=key_id)
    body["date_time"] = date_time
    return body


async def post_event(
    client: httpx.AsyncClient, instance: Instance, body: Any, *, secret: str | bool | None = None, suffix: str = ""
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if secret is not False:
        headers["x-arauto-secret"] = instance.webhook_secret if secret in (None, True) else str(secret)
    return await client.post(f"/webhooks/evolution/{instance.id}{suffix}", content=content, headers=headers)


async def stored_events() -> list[dict[str, Any]]:
    return list(await WebhookEvent.select().order_by(WebhookEvent.id))


async def campaign_row(campaign_id: int) -> dict[str, Any]:
    row = await Campaign.select().where(Campaign.id == campaign_id).first()
    assert row is not None
    return row


async def message_row(campaign_id: int, phone: str = PHONE) -> dict[str, Any]:
    row = (
        await CampaignMessage.select()
        .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.phone == phone))
        .first()
    )
    assert row is not None
    return row
