"""The webhook side of the simulator: envelopes, byEvents URLs, headers/JWT, retries, delivery receipts.

Mirrors webhook.controller.ts: fire-and-forget from the send path, bounded retries on any non-2xx
except 400/401/403/404/422, `jwt_key` header replaced by `Authorization: Bearer <HS256 JWT>`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from sandbox.payloads import connection_data, new_row_id, status_row
from sandbox.state import Instance, SandboxState, iso_now

NON_RETRYABLE = frozenset({400, 401, 403, 404, 422})


def config_name(event: str) -> str:
    """`messages.update` -> `MESSAGES_UPDATE` (the name used in webhook `events`)."""
    return event.replace(".", "_").upper()


def hs256_jwt(secret: str, now: float | None = None) -> str:
    """The token Evolution puts in `Authorization: Bearer`: HS256, exp now+10 min, app/action claims."""
    issued = int(time.time() if now is None else now)
    claims = {"app": "evolution", "action": "webhook", "iat": issued, "exp": issued + 600}

    def encode(part: dict[str, Any]) -> bytes:
        raw = json.dumps(part, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = encode({"alg": "HS256", "typ": "JWT"}) + b"." + encode(claims)
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


def _headers(configured: dict[str, str]) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    for name, value in configured.items():
        if name == "jwt_key":
            headers["Authorization"] = f"Bearer {hs256_jwt(value)}"
        else:
            headers[name] = value
    return headers


def envelope(state: SandboxState, instance: Instance, event: str, data: Any, destination: str) -> dict[str, Any]:
    """§5.2, identical for every event."""
    return {
        "event": event,
        "instance": instance.name,
        "data": data,
        "destination": destination,
        "date_time": iso_now(),
        "sender": instance.owner_jid,
        "server_url": state.server_url,
        "apikey": instance.token,
    }


async def post_event(state: SandboxState, instance: Instance, event: str, data: Any) -> None:
    """Deliver one event to the instance's webhook if it is enabled and subscribed; retry as Evolution does."""
    hook = instance.webhook
    if hook is None or not hook.enabled or not hook.url.startswith(("http://", "https://")):
        return
    if hook.events and config_name(event) not in hook.events:
        return
    url = f"{hook.url}/{event.replace('.', '-')}" if hook.by_events else hook.url
    body = envelope(state, instance, event, data, hook.url)
    knobs = state.knobs_for(instance)
    async with httpx.AsyncClient(timeout=knobs.webhook_timeout_s) as client:
        for attempt in range(1, max(1, knobs.webhook_attempts) + 1):
            status: int | None = None
            try:
                response = await client.post(url, json=body, headers=_headers(hook.headers))
                status = response.status_code
            except httpx.HTTPError:
                status = None
            state.webhook_log.append({"url": url, "event": event, "attempt": attempt, "status": status})
            if status is not None and (200 <= status < 300 or status in NON_RETRYABLE):
                return
            await asyncio.sleep(knobs.webhook_retry_delay_ms / 1000 * 2 ** (attempt - 1))


def schedule_receipts(state: SandboxState, instance: Instance, record: dict[str, Any]) -> None:
    """After a 201: `send.message`, then the `messages.update` statuses, in the background."""
    state.spawn(_receipts(state, instance, record))


async def _receipts(state: SandboxState, instance: Instance, record: dict[str, Any]) -> None:
    knobs = state.knobs_for(instance)
    public = {k: v for k, v in record.items() if k not in ("id", "MessageUpdate", "instance")}
    state.spawn(post_event(state, instance, "send.message", public))
    statuses = ["SERVER_ACK", "ERROR"] if knobs.receipt_error else list(knobs.receipt_statuses)
    if knobs.receipt_out_of_order:
        statuses.reverse()
    jid = record["key"]["remoteJid"]
    remote_jid = state.lid_for(jid) if knobs.receipt_lid else jid
    for status in statuses:
        await asyncio.sleep(knobs.receipt_delay_ms / 1000)
        data = status_row(record, status, remote_jid)
        record["MessageUpdate"].append({"status": status})
        state.statuses.append({"id": new_row_id(state), **_status_history(data)})
        for _ in range(2 if knobs.receipt_duplicate else 1):
            await post_event(state, instance, "messages.update", data)


def _status_history(data: dict[str, Any]) -> dict[str, Any]:
    """findStatusMessage row fields, in the order of find-status-message.response.json."""
    return {
        "keyId": data["keyId"],
        "remoteJid": data["remoteJid"],
        "fromMe": data["fromMe"],
        "participant": None,
        "pollUpdates": None,
        "status": data["status"],
        "messageId": data["messageId"],
        "instanceId": data["instanceId"],
    }


def announce_state(state: SandboxState, instance: Instance, status_reason: int) -> None:
    """Post `connection.update` for the instance's (new) state."""
    state.spawn(post_event(state, instance, "connection.update", connection_data(instance, status_reason)))
