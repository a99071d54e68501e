"""Rows for tests, inserted directly (no HTTP): instances and campaigns with recipients and consistent counters."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance
from models.variables import NameTable

INSERT_CHUNK = 1000
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
COUNTER_BY_STATUS = {
    MessageStatus.PENDING: "pending_count",
    MessageStatus.SENDING: "pending_count",
    MessageStatus.SENT: "sent_count",
    MessageStatus.DELIVERED: "sent_count",
    MessageStatus.READ: "sent_count",
    MessageStatus.FAILED: "failed_count",
    MessageStatus.SKIPPED: "skipped_count",
}


async def make_instance(owner_id: int, **fields: Any) -> Instance:
    values: dict[str, Any] = {
        "owner": owner_id,
        "name": "Main number",
        "server_url": "http://127.0.0.1:9",
        "api_key": "test-api-key",
        "instance_name": "campaign-01",
        "webhook_secret": secrets.token_urlsafe(32),
        "state": "open",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    instance = Instance(**values)
    await instance.save()
    return instance


def recipient_rows(phones: Iterable[str], variables: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [{"phone": phone, "variables": dict(variables or {}), "status": MessageStatus.PENDING} for phone in phones]


async def make_campaign(
    owner_id: int,
    instance_id: int | None,
    *,
    recipients: list[dict[str, Any]] | None = None,
    status: CampaignStatus = CampaignStatus.DRAFT,
    **fields: Any,
) -> Campaign:
    """A campaign whose counters equal a count of its recipients by status (the funnel invariant)."""
    recipients = recipients or []
    counters = {name: 0 for name in set(COUNTER_BY_STATUS.values()) | {"delivered_count", "read_count"}}
    for row in recipients:
        message_status = MessageStatus(row.get("status", MessageStatus.PENDING))
        counters[COUNTER_BY_STATUS[message_status]] += 1
        if message_status in (MessageStatus.DELIVERED, MessageStatus.READ):
            counters["delivered_count"] += 1
        if message_status is MessageStatus.READ:
            counters["read_count"] += 1
    values: dict[str, Any] = {
        "owner": owner_id,
        "instance": instance_id,
        "name": "Black Friday",
        "message": "Hello {{name}}!",
        "status": status.value,
        "rate_limit": 20,
        "max_retries": 3,
        "total_recipients": len(recipients),
        "created_at": NOW,
        "updated_at": NOW,
        **counters,
    }
    names = NameTable()  # stored as the app stores them: names once on the campaign, values per recipient
    stored = [names.encode(row.get("variables", {})) for row in recipients]
    values.update(variable_names=names.as_json(), **fields)
    campaign = Campaign(**values)
    await campaign.save()
    messages = [
        CampaignMessage(
            campaign=campaign.id,
            row_number=index + 1,
            phone=row["phone"],
            raw_phone=row.get("raw_phone", row["phone"]),
            variables=stored[index],
            status=MessageStatus(row.get("status", MessageStatus.PENDING)).value,
            evolution_id=row.get("evolution_id"),
        )
        for index, row in enumerate(recipients)
    ]
    for start in range(0, len(messages), INSERT_CHUNK):  # PostgreSQL caps one statement at 32,767 parameters
        await CampaignMessage.insert(*messages[start : start + INSERT_CHUNK])
    return campaign
