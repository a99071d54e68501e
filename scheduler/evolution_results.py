"""What the Evolution client returns, and how an Evolution answer or transport error is classified.

Classification (evolution-api.md §3 and §7):

* `Sent`: 201 with `key.id`.
* `NotSent`: the request never reached Evolution (connection refused, connect/pool timeout) or a 429:
  safe to retry, after `retry_after` seconds when given.
* `Ambiguous`: it may have gone out (read/write timeout, dropped connection, 5xx other than Connection Closed,
  an unexplained 400, a 201 without `key.id`): reconcile with `find_messages` before any retry.
* `RecipientRejected`: the number is not on WhatsApp (`exists:false`): permanent for that recipient.
* `InstanceDown`: unknown instance (404), key refused (401), "Connection Closed", instance not loaded:
  pause the campaign. `maybe_sent` is True only for the 400 `["Error: Connection Closed"]` raised inside
  the send, after the relay may have started.
* `Rejected`: Evolution refused the request itself before sending (schema errors, "Text is required",
  media neither URL nor base64): a permanent bug in what we sent, never retried.

The API key travels only in the `apikey` header of each request; it is never logged, stored or repr'd.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx


@dataclass(frozen=True)
class Sent:
    """Evolution accepted the message; `key_id` correlates receipts and replies."""

    key_id: str
    remote_jid: str
    timestamp: int


@dataclass(frozen=True)
class NotSent:
    """Nothing reached Evolution (or it said 429): retrying cannot duplicate."""

    reason: str
    retry_after: float | None = None


@dataclass(frozen=True)
class Ambiguous:
    """The request went out and we do not know what happened: reconcile before retrying."""

    reason: str
    status_code: int | None = None


@dataclass(frozen=True)
class RecipientRejected:
    """The recipient cannot receive WhatsApp messages."""

    reason: str
    number: str
    jid: str | None = None


@dataclass(frozen=True)
class InstanceDown:
    """The instance cannot send now (unknown, unauthorised, disconnected); `reason` is fit for a user."""

    reason: str
    status_code: int | None = None
    maybe_sent: bool = False


@dataclass(frozen=True)
class Rejected:
    """Evolution refused the request as invalid before sending; retrying the same request cannot help."""

    reason: str
    status_code: int


Failure = NotSent | Ambiguous | RecipientRejected | InstanceDown | Rejected
SendResult = Sent | Failure


@dataclass(frozen=True)
class ConnectionState:
    instance: str
    state: str  # open | connecting | close ("" when Evolution has the row but no live socket)


@dataclass(frozen=True)
class InstanceInfo:
    name: str
    id: str
    connection_status: str
    owner_jid: str | None
    profile_name: str | None
    token: str | None = field(default=None, repr=False)  # the instance's own API key: a secret


@dataclass(frozen=True)
class NumberCheck:
    number: str
    jid: str
    exists: bool


@dataclass(frozen=True)
class WebhookInfo:
    url: str
    enabled: bool
    events: tuple[str, ...]
    by_events: bool


@dataclass(frozen=True)
class FoundMessage:
    """One record of findMessages: enough to decide whether a send happened."""

    key_id: str
    remote_jid: str
    from_me: bool
    timestamp: int
    statuses: tuple[str, ...]


def _messages(body: Any) -> list[Any]:
    """`response.message` (or whatsappNumbers' bare `message`) normalised to a list."""
    if not isinstance(body, dict):
        return [body] if isinstance(body, str) else []
    inner = body.get("response")
    message = inner.get("message") if isinstance(inner, dict) else body.get("message")
    if message is None:
        return []
    return message if isinstance(message, list) else [message]


def _text(messages: Sequence[Any]) -> str:
    return "; ".join(str(m) for m in messages)[:300]


def _is_validation(messages: Sequence[Any]) -> bool:
    """Schema failures are doubly nested; the others below are checked before the send starts."""
    before_send = ("Text is required", "Owned media must be a url or base64", "For base64 the file name")
    return any(isinstance(m, list) for m in messages) or any(
        isinstance(m, str) and m.startswith(before_send) for m in messages
    )


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def classify_error(response: httpx.Response, instance: str) -> Failure:
    """Map a non-success answer to a failure class (§3 catalogue, §7 checklist)."""
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    messages = _messages(body)
    detail = _text(messages)
    if status == 429:
        return NotSent("Evolution asked us to slow down (429)", _retry_after(response.headers.get("retry-after")))
    if status == 401:
        return InstanceDown("Evolution refused the API key (401)", status)
    if status == 404:
        if "instance does not exist" in detail:
            return InstanceDown(f'Evolution does not know the instance "{instance}" (404)', status)
        return InstanceDown(f"Evolution has no such route (404): check the server URL ({detail})", status)
    if any(isinstance(m, str) and "Connection Closed" in m for m in messages):
        return InstanceDown("The WhatsApp connection is closed", status, maybe_sent=status == 400)
    if status == 400:
        for m in messages:
            if isinstance(m, dict) and m.get("exists") is False:
                number = str(m.get("number", ""))
                return RecipientRejected(f"{number} is not on WhatsApp", number, m.get("jid"))
        if _is_validation(messages):
            return Rejected(f"Evolution refused the request: {detail}", status)
        return Ambiguous(f"Evolution answered 400 after the send may have started: {detail}", status)
    if status >= 500 and "Cannot read properties of undefined" in detail:
        return InstanceDown(f'The instance "{instance}" is not loaded on the Evolution server', status)
    return Ambiguous(f"Evolution answered {status}: {detail}", status)


def classify_exception(exc: httpx.HTTPError) -> NotSent | Ambiguous:
    """Connect failures never left this machine; anything later may have reached Evolution."""
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.UnsupportedProtocol):
        return NotSent(f"Could not reach Evolution ({name})")
    if isinstance(exc, httpx.TimeoutException):
        return Ambiguous(f"Evolution did not answer in time ({name})")
    return Ambiguous(f"The connection to Evolution failed mid-request ({name})")


def instance_info(row: dict[str, Any]) -> InstanceInfo:
    """One fetchInstances row."""
    return InstanceInfo(
        name=str(row.get("name", "")),
        id=str(row.get("id", "")),
        connection_status=str(row.get("connectionStatus") or ""),
        owner_jid=row.get("ownerJid"),
        profile_name=row.get("profileName"),
        token=row.get("token"),
    )


def number_check(row: dict[str, Any]) -> NumberCheck:
    """One whatsappNumbers entry."""
    return NumberCheck(number=str(row.get("number", "")), jid=str(row.get("jid", "")), exists=row.get("exists") is True)


def found_message(record: dict[str, Any]) -> FoundMessage:
    key = record.get("key") or {}
    updates = record.get("MessageUpdate") or []
    return FoundMessage(
        key_id=str(key.get("id", "")),
        remote_jid=str(key.get("remoteJid", "")),
        from_me=key.get("fromMe") is True,
        timestamp=timestamp_of(record.get("messageTimestamp")),
        statuses=tuple(str(u.get("status")) for u in updates if isinstance(u, dict)),
    )


def timestamp_of(value: Any) -> int:
    """Unix seconds; 2.3.6 sends a number, older servers a digit string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0
