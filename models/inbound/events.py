"""Evolution webhook envelopes: parse, authenticate against the instance's secret, store once per dedupe key.

A replay (Evolution retries, duplicates, reorders) hits the unique (instance, dedupe_key) index and is dropped
with ON CONFLICT DO NOTHING, so it changes nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.errors import DomainError
from models.tables import Instance, WebhookEvent


class MalformedEvent(DomainError):
    """The body is not an Evolution envelope (400; nothing stored)."""


class UnknownInstance(DomainError):
    """No instance with this id (404)."""


class BadSecret(DomainError):
    """The secret header is missing or wrong (401)."""


@dataclass(frozen=True)
class Envelope:
    """The parts of an envelope Arauto reads; `data` is the event-specific object."""

    event: str
    data: dict[str, Any]
    date_time: str
    raw: dict[str, Any]

    @property
    def key_id(self) -> str | None:
        """The WhatsApp message id the event is about (receipts: data.keyId; upserts/sends: data.key.id)."""
        if self.event == "messages.update":
            value = self.data.get("keyId")
        else:
            key = self.data.get("key")
            value = key.get("id") if isinstance(key, dict) else None
        return value[:64] if isinstance(value, str) and value else None


def _not_json(constant: str) -> None:
    raise ValueError(constant)


def parse_envelope(body: bytes) -> Envelope:
    """The envelope, or MalformedEvent saying what is wrong with it."""
    try:
        raw = json.loads(body, parse_constant=_not_json)  # NaN and Infinity are Python's, not JSON
    except (ValueError, UnicodeDecodeError):
        raise MalformedEvent("The body is not JSON.") from None
    if not isinstance(raw, dict):
        raise MalformedEvent("The body must be a JSON object.")
    if b"\\u0000" in body:  # the only way JSON can carry NUL; PostgreSQL text and json refuse it
        raise MalformedEvent("The body holds a NUL character.")
    event = raw.get("event")
    if not isinstance(event, str) or not event.strip():
        raise MalformedEvent("The envelope has no 'event' name.")
    data = raw.get("data")
    if not isinstance(data, dict):
        raise MalformedEvent("The envelope's 'data' must be an object.")
    date_time = raw.get("date_time")
    return Envelope(event.strip().lower()[:40], data, date_time if isinstance(date_time, str) else "", raw)


def dedupe_key(envelope: Envelope) -> str:
    """The identity of an event: the same receipt, reply or state change delivered twice has the same key."""
    data = envelope.data
    if envelope.event == "messages.update" and envelope.key_id:
        return f"messages.update:{envelope.key_id}:{data.get('status', '')}"[:200]
    if envelope.event in {"messages.upsert", "send.message"} and envelope.key_id:
        return f"{envelope.event}:{envelope.key_id}"[:200]
    if envelope.event == "connection.update":
        return f"connection.update:{data.get('state', '')}:{envelope.date_time}"[:200]
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f"{envelope.event}:{digest}"[:200]


async def authenticate(instance_id: int, secret: str) -> None:
    """UnknownInstance or BadSecret unless `secret` is this instance's (constant-time comparison)."""
    row = await Instance.select(Instance.webhook_secret).where(Instance.id == instance_id).first()
    if row is None:
        raise UnknownInstance("Unknown instance.")
    if not secret or not hmac.compare_digest(secret.encode(), str(row["webhook_secret"]).encode()):
        raise BadSecret("Missing or wrong webhook secret.")


async def store_event(instance_id: int, envelope: Envelope, *, now: datetime) -> int | None:
    """Store the event; its id, or None when the same event was already stored (a replay)."""
    row = WebhookEvent(
        instance=instance_id,
        event=envelope.event,
        dedupe_key=dedupe_key(envelope),
        key_id=envelope.key_id,
        payload=json.dumps({k: v for k, v in envelope.raw.items() if k != "apikey"}),  # the instance token
        received_at=now,
    )
    inserted = (
        await WebhookEvent.insert(row)
        .on_conflict(target=(WebhookEvent.instance, WebhookEvent.dedupe_key), action="DO NOTHING")
        .returning(WebhookEvent.id)
    )
    return int(inserted[0]["id"]) if inserted else None
