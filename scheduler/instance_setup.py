"""Talk to an instance's Evolution server when it is saved or checked: state, phone number, Arauto's webhook.

Save policy: a refused API key (401), an unknown instance name (404) or an address that is not an Evolution
server refuse the save (ValidationFailed on that field: nothing written, the form keeps its input). A server
that cannot be reached (or does not answer) does not: the instance is saved with state `unknown` and the
reason, and "check now" registers the webhook once the server answers.

`ARAUTO_EVOLUTION_HOSTS` (optional) lists the hosts (or host:port) instances may use: any other address is refused
before Arauto connects to it, so the server cannot be pointed at the rest of its network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from models.errors import ValidationFailed
from models.instances import records as instances
from models.instances.address import NumberAddress
from models.instances.connection import connection_changed, reported_state
from models.instances.records import InstanceFields
from models.ownership import get_own
from models.statuses import ConnectionState
from models.tables import Instance
from scheduler.evolution import (
    Ambiguous,
    EvolutionClient,
    Failure,
    InstanceDown,
    InstanceInfo,
    NotSent,
    WebhookInfo,
)
from scheduler.evolution import ConnectionState as RemoteState

WEBHOOK_EVENTS = ("MESSAGES_UPDATE", "MESSAGES_UPSERT", "CONNECTION_UPDATE", "SEND_MESSAGE")
WEBHOOK_SECRET_HEADER = "x-arauto-secret"  # noqa: S105 (a header name)


@dataclass(frozen=True)
class Probe:
    """What the server said about the instance: a state, or why it could not tell."""

    state: ConnectionState
    reason: str
    reachable: bool
    phone_number: str = ""


def host_refusal(server_url: str, allowed_hosts: tuple[str, ...]) -> str | None:
    """Why `server_url` may not be used for an instance (its host is not in `allowed_hosts`), or None; an empty
    `allowed_hosts` allows every host."""
    if not allowed_hosts:
        return None
    try:
        parts = urlsplit(server_url)
        host, port = (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        host, port = "", 0
    for entry in allowed_hosts:
        allowed = urlsplit(f"//{entry}")
        if host and allowed.hostname == host and allowed.port in (None, port):
            return None
    return "This address is not one of the Evolution servers Arauto may use: " + ", ".join(allowed_hosts) + "."


@dataclass(frozen=True)
class Saved:
    instance: Instance
    warning: str


def describe(failure: Failure, server_url: str, instance_name: str) -> tuple[str | None, str]:
    """(the form field to blame, or None when the save may go on; a message that says exactly what went wrong)."""
    if isinstance(failure, InstanceDown) and failure.status_code == 401:
        return "api_key", "The Evolution server refused the API key (401)."
    if isinstance(failure, InstanceDown) and failure.status_code == 404:
        if "does not know the instance" in failure.reason:
            return "instance_name", f"No instance named {instance_name} on this server (404)."
        return "server_url", f"{server_url} answered 404: it does not look like an Evolution API server."
    if isinstance(failure, NotSent) and failure.retry_after is None and "Could not reach" in failure.reason:
        how = "connection timed out" if "Timeout" in failure.reason else "connection refused"
        return None, f"Could not reach {server_url}: {how}."
    if isinstance(failure, Ambiguous) and "did not answer in time" in failure.reason:
        return None, f"Could not reach {server_url}: it accepted the connection but did not answer in time."
    return None, f"The Evolution server at {server_url} answered unexpectedly: {failure.reason}"


def _phone_of(rows: tuple[InstanceInfo, ...] | Failure, instance_name: str) -> str:
    if not isinstance(rows, tuple):
        return ""
    jid = next((row.owner_jid for row in rows if row.name == instance_name and row.owner_jid), "")
    return re.sub(r"\D", "", jid.split("@", 1)[0]) if jid else ""


def read_state(result: RemoteState) -> tuple[ConnectionState, str]:
    """The state connectionState reported, and the reason pages show when it is not open."""
    state = reported_state(result.state)
    reported = result.state or "not loaded"
    return state, "" if state is ConnectionState.OPEN else f"Evolution reports the instance as {reported}."


async def probe(client: EvolutionClient, address: NumberAddress) -> Probe:
    """Ask the connection state; ValidationFailed when the key, the name or the address is wrong."""
    result = await client.connection_state(address)
    if isinstance(result, InstanceDown) and result.status_code not in (401, 404):
        return Probe(ConnectionState.CLOSE, result.reason, reachable=True)
    if not isinstance(result, RemoteState):
        field, message = describe(result, address.server_url, address.instance_name)
        if field:
            raise ValidationFailed({field: message})
        return Probe(ConnectionState.UNKNOWN, message, reachable=False)
    state, reason = read_state(result)
    phone = _phone_of(await client.fetch_instances(address), address.instance_name)
    return Probe(state, reason, reachable=True, phone_number=phone)


def webhook_url(base_url: str, instance_id: int) -> str:
    return f"{base_url.rstrip('/')}/webhooks/evolution/{instance_id}"


async def register_webhook(client: EvolutionClient, instance: Instance, base_url: str, *, now: datetime) -> str:
    """Point the instance's webhook at Arauto with its secret header; '' on success, else why not."""
    result = await client.set_webhook(
        NumberAddress.of_instance(instance),
        webhook_url(base_url, int(instance.id)),
        WEBHOOK_EVENTS,
        headers={WEBHOOK_SECRET_HEADER: instance.webhook_secret},
        by_events=False,
    )
    await instances.mark_webhook_registered(int(instance.id), isinstance(result, WebhookInfo), now)
    if isinstance(result, WebhookInfo):
        return ""
    _, why = describe(result, instance.server_url, instance.instance_name)
    return f"Arauto's webhook could not be registered: {why}"


async def _refresh(client: EvolutionClient, instance: Instance, found: Probe, base_url: str, now: datetime) -> str:
    """Record what the probe found; register the webhook when the server answers. Returns a warning or ''."""
    await connection_changed(int(instance.id), found.state, found.reason, now=now, phone_number=found.phone_number)
    if not found.reachable:
        return found.reason
    return await register_webhook(client, instance, base_url, now=now)


async def save_instance(
    client: EvolutionClient,
    raw: Mapping[str, Any],
    *,
    owner_id: int,
    instance_id: int | None,
    base_url: str,
    max_rate: int,
    allowed_hosts: tuple[str, ...],
    now: datetime,
) -> Saved:
    """Validate, ask the server, then create or update and register the webhook (see the module's save policy)."""
    fields: InstanceFields = instances.validate_fields(raw, max_rate=max_rate, creating=instance_id is None)
    refusal = host_refusal(fields.server_url, allowed_hosts)
    if refusal:
        raise ValidationFailed({"server_url": refusal})
    current = await get_own(Instance, instance_id, owner_id, "Instance") if instance_id is not None else None
    api_key = fields.api_key or (current.api_key if current else "")
    found = await probe(client, NumberAddress(fields.server_url, api_key, fields.instance_name))
    if instance_id is None:
        instance = await instances.create_instance(owner_id, fields, now=now)
    else:
        instance = await instances.update_instance(instance_id, owner_id, fields, now=now)
    warning = await _refresh(client, instance, found, base_url, now)
    return Saved(await get_own(Instance, int(instance.id), owner_id, "Instance"), warning)


async def check_instance(
    client: EvolutionClient, instance_id: int, owner_id: int, *, base_url: str, now: datetime
) -> str:
    """"Check now": refresh the state (and the webhook); a warning or '' (a refused key is reported, not raised)."""
    instance = await get_own(Instance, instance_id, owner_id, "Instance")
    try:
        found = await probe(client, NumberAddress.of_instance(instance))
    except ValidationFailed as exc:
        message = next(iter(exc.errors.values()))
        await connection_changed(instance_id, ConnectionState.UNKNOWN, message, now=now)
        return message
    return await _refresh(client, instance, found, base_url, now)
