"""Apply stored Evolution events: delivery receipts, replies (opt-outs) and connection changes.

Each event is applied once, in one transaction (`process_event`; `apply_event` keeps a failed one for the backlog
job), and every step is a conditional UPDATE, so the same event twice,
or events in any order, leave the same result. Receipts only move a message forward (SENT -> DELIVERED -> READ);
counters move by single atomic `x = x + n` statements in the same transaction as the status.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from models.db import atomic
from models.errors import N_
from models.inbound.replies import apply_reply
from models.instances.connection import connection_changed, reported_state
from models.statuses import ConnectionState, MessageStatus
from models.tables import Campaign, CampaignMessage, WebhookEvent

logger = logging.getLogger("arauto.receipts")
DISCONNECTED = N_("Instance disconnected")
NEGATIVE_ACK = N_("WhatsApp reported an error (negative ack)")
WAITING = "Waiting: no message of this instance holds the key id yet"
RECEIPT_TARGETS = {
    "DELIVERY_ACK": MessageStatus.DELIVERED,
    "READ": MessageStatus.READ,
    "PLAYED": MessageStatus.READ,
    "ERROR": MessageStatus.FAILED,
}


class Applied(StrEnum):
    """What one try at a stored event did."""

    APPLIED = "applied"
    WAITING = "waiting"  # a receipt whose key id no message holds yet
    FAILED = "failed"  # an error; the event stays for the backlog job (models/inbound/backlog.py)


async def process_event(event_id: int, *, now: datetime) -> bool:
    """Apply one stored event once; False when it has to wait (a receipt whose key id no message holds yet).

    The event is marked applied first, in the same transaction as its effects: the conditional UPDATE locks the row
    on PostgreSQL, so the webhook and the backlog job (in any process) never both apply it, and a failure rolls the
    mark back with everything else.
    """
    async with atomic():
        claimed = (
            await WebhookEvent.update({WebhookEvent.processed_at: now})
            .where((WebhookEvent.id == event_id) & WebhookEvent.processed_at.is_null())
            .returning(WebhookEvent.instance, WebhookEvent.event, WebhookEvent.payload)
        )
        if not claimed:
            return True
        row = claimed[0]
        payload = json.loads(row["payload"]) if isinstance(row["payload"], str) else row["payload"]
        data = payload.get("data") if isinstance(payload, dict) else None
        done = await _apply(int(row["instance"]), row["event"], data if isinstance(data, dict) else {}, now)
        if not done:
            await WebhookEvent.update({WebhookEvent.processed_at: None}).where(WebhookEvent.id == event_id)
        return done


async def apply_event(event_id: int, *, now: datetime) -> Applied:
    """Try once; an error is logged and counted on the event (never raised), so the backlog job tries it again."""
    try:
        done = await process_event(event_id, now=now)
    except Exception as error:  # whatever failed, the event is kept for the backlog job
        logger.exception("webhook event %s stored, not applied yet: the backlog job will try again", event_id)
        await _count_attempt(event_id, f"{type(error).__name__}: {error}")
        return Applied.FAILED
    if done:
        return Applied.APPLIED
    await _count_attempt(event_id, WAITING)
    return Applied.WAITING


async def _count_attempt(event_id: int, error: str) -> None:
    try:
        await WebhookEvent.update(
            {WebhookEvent.apply_attempts: WebhookEvent.apply_attempts + 1, WebhookEvent.apply_error: error[:500]}
        ).where((WebhookEvent.id == event_id) & WebhookEvent.processed_at.is_null())
    except Exception:  # the database may be what failed: the attempt goes uncounted
        logger.warning("webhook event %s: could not count the failed attempt", event_id, exc_info=True)


async def apply_pending_receipts(*key_ids: str, now: datetime) -> None:
    """Receipts that arrived before the send recorded their key id; the dispatcher calls this right after SENT, for
    the sends of one group commit at once (one query)."""
    if not key_ids:
        return
    rows = (
        await WebhookEvent.select(WebhookEvent.id)
        .where(
            WebhookEvent.key_id.is_in(list(key_ids))
            & (WebhookEvent.event == "messages.update")
            & WebhookEvent.processed_at.is_null()
        )
        .order_by(WebhookEvent.id)
    )
    for row in rows:
        await apply_event(int(row["id"]), now=now)


async def _apply(instance_id: int, event: str, data: dict[str, Any], now: datetime) -> bool:
    if event == "messages.update":
        return await apply_receipt(instance_id, data, now=now)
    if event == "messages.upsert":
        await apply_reply(instance_id, data, now=now)
    elif event == "connection.update":
        await apply_connection(instance_id, data, now=now)
    return True


# -- receipts -------------------------------------------------------------------------------------------------------


async def apply_receipt(instance_id: int, data: dict[str, Any], *, now: datetime) -> bool:
    """Move the matching message forward; False if no message of this instance holds the key id yet."""
    key_id = data.get("keyId")
    if not isinstance(key_id, str) or not key_id:
        return True
    messages = await CampaignMessage.select(CampaignMessage.id, CampaignMessage.campaign).where(
        (CampaignMessage.evolution_id == key_id)
        & CampaignMessage.campaign.is_in(Campaign.select(Campaign.id).where(Campaign.instance == instance_id))
    )
    if not messages:
        return False
    target = RECEIPT_TARGETS.get(str(data.get("status", "")).upper())
    for message in messages:
        if target is MessageStatus.DELIVERED:
            await _deliver(message["id"], message["campaign"], now)
        elif target is MessageStatus.READ:
            await _read(message["id"], message["campaign"], now)
        elif target is MessageStatus.FAILED:
            await _fail(message["id"], message["campaign"], now)
    return True


async def _move(message_id: int, source: MessageStatus, changes: dict[Any, Any]) -> bool:
    """One conditional UPDATE: True only for the caller that actually moved the message."""
    moved = (
        await CampaignMessage.update(changes)
        .where((CampaignMessage.id == message_id) & (CampaignMessage.status == source.value))
        .returning(CampaignMessage.id)
    )
    return bool(moved)


async def _bump(campaign_id: int, **deltas: int) -> None:
    columns = {name: getattr(Campaign, name) for name in deltas}
    await Campaign.update({columns[name]: columns[name] + delta for name, delta in deltas.items()}).where(
        Campaign.id == campaign_id
    )


async def _deliver(message_id: int, campaign_id: int, now: datetime) -> None:
    changes = {CampaignMessage.status: MessageStatus.DELIVERED.value, CampaignMessage.delivered_at: now}
    if await _move(message_id, MessageStatus.SENT, changes):
        await _bump(campaign_id, delivered_count=1)


async def _read(message_id: int, campaign_id: int, now: datetime) -> None:
    read = {CampaignMessage.status: MessageStatus.READ.value, CampaignMessage.read_at: now}
    if await _move(message_id, MessageStatus.SENT, {**read, CampaignMessage.delivered_at: now}):
        await _bump(campaign_id, delivered_count=1, read_count=1)
    elif await _move(message_id, MessageStatus.DELIVERED, read):
        await _bump(campaign_id, read_count=1)


async def _fail(message_id: int, campaign_id: int, now: datetime) -> None:
    """A negative ack fails the message only while nothing later (delivered, read) arrived."""
    changes = {
        CampaignMessage.status: MessageStatus.FAILED.value,
        CampaignMessage.failed_at: now,
        CampaignMessage.error: NEGATIVE_ACK,
    }
    if await _move(message_id, MessageStatus.SENT, changes):
        await _bump(campaign_id, sent_count=-1, failed_count=1)


# -- connection state -----------------------------------------------------------------------------------------------


async def apply_connection(instance_id: int, data: dict[str, Any], *, now: datetime) -> None:
    """A CONNECTION_UPDATE goes to the one rule for state changes (models/instances/connection.py)."""
    raw_state = str(data.get("state", "")).lower()
    state = reported_state(raw_state)
    if state is ConnectionState.UNKNOWN:
        return
    # The message alone, then the gateway's own words in brackets: pages translate the first (views/i18n.stored).
    reason = "" if state is ConnectionState.OPEN else f"{DISCONNECTED} ({raw_state}, {data.get('statusReason')})"
    wuid = data.get("wuid")
    phone = re.sub(r"\D", "", wuid.split("@", 1)[0]) if isinstance(wuid, str) else None
    await connection_changed(instance_id, state, reason, now=now, phone_number=phone)
