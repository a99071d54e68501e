"""The only code that builds HTTP requests to Evolution API 2.3.6; it answers typed results, never raises.

Result types and the failure classification live in `scheduler.evolution_results` (re-exported here).
The API key travels only in each request's `apikey` header: never stored, logged or put in a result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from models.instances.address import NumberAddress
from models.media_files import Media
from models.metrics import SEND_LATENCY
from scheduler.evolution_results import (
    Ambiguous,
    ConnectionState,
    Failure,
    FoundMessage,
    InstanceDown,
    InstanceInfo,
    NotSent,
    NumberCheck,
    RecipientRejected,
    Rejected,
    SendResult,
    Sent,
    WebhookInfo,
    classify_error,
    classify_exception,
    found_message,
    instance_info,
    number_check,
    timestamp_of,
)
from scheduler.http_transport import KeepAliveTransport

__all__ = [
    "Ambiguous",
    "ConnectionState",
    "EvolutionClient",
    "Failure",
    "FoundMessage",
    "InstanceDown",
    "InstanceInfo",
    "NotSent",
    "NumberCheck",
    "RecipientRejected",
    "Rejected",
    "SendResult",
    "Sent",
    "WebhookInfo",
]

log = logging.getLogger(__name__)
MAX_FIND_PAGES = 20
MAX_CACHED_URLS = 4096  # servers x instances x routes: a bound, never reached in practice


def _given(**optional: Any) -> dict[str, Any]:
    """The optional body fields that were given (Evolution reads a missing field as its default, not as null)."""
    return {key: value for key, value in optional.items() if value is not None}


def _path(route: str, instance: str) -> str:
    return f"/{route}/{quote(instance, safe='')}"


class EvolutionClient:
    """A pool of `httpx.AsyncClient`s, one per Evolution server URL; build once, `aclose()` at shutdown.

    Instances on one server share connections; each call carries its own key, since instances
    on the same server may hold different tokens.
    """

    def __init__(
        self,
        *,
        read_timeout: float = 30.0,
        connect_timeout: float = 5.0,
        write_timeout: float = 10.0,
        pool_timeout: float = 5.0,
        max_connections: int = 20,
    ) -> None:
        self._timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=write_timeout, pool=pool_timeout
        )
        self._max_connections = max_connections
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._urls: dict[tuple[str, str], httpx.URL] = {}
        self._closed = False

    async def __aenter__(self) -> EvolutionClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every pooled connection; later calls fail with RuntimeError."""
        self._closed = True
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client(self, server_url: str) -> httpx.AsyncClient:
        base = server_url.rstrip("/")
        client = self._clients.get(base)
        if client is None:
            if self._closed:
                raise RuntimeError("EvolutionClient is closed")
            transport = KeepAliveTransport(max_connections=self._max_connections)
            client = httpx.AsyncClient(base_url=base, timeout=self._timeout, transport=transport)
            self._clients[base] = client
        return client

    def _url(self, server_url: str, path: str) -> httpx.URL:
        """The request's absolute URL, parsed once per server and path (parsing and joining it cost a sixth of a
        send's CPU)."""
        key = (server_url, path)
        url = self._urls.get(key)
        if url is None:
            if len(self._urls) >= MAX_CACHED_URLS:
                self._urls.clear()
            url = self._urls[key] = httpx.URL(server_url.rstrip("/") + path)
        return url

    def _timeout_for(self, extra_read_seconds: float) -> httpx.Timeout:
        """The pool's timeouts, the read one lengthened by the typing delay a send asks Evolution to wait."""
        if not extra_read_seconds:
            return self._timeout
        base = self._timeout
        read = (base.read or 0.0) + extra_read_seconds
        return httpx.Timeout(connect=base.connect, read=read, write=base.write, pool=base.pool)

    async def _expect(
        self,
        address: NumberAddress,
        method: str,
        path: str,
        *,
        success: int,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        extra_read_seconds: float = 0.0,
    ) -> _Decoded | Failure:
        """One request: the decoded JSON of a `success` answer, or the classified failure (a transport error
        becomes NotSent when the request never left, Ambiguous when it may have arrived)."""
        timeout = self._timeout_for(extra_read_seconds)
        try:
            url = self._url(address.server_url, path)
            response = await self._client(address.server_url).request(
                method, url, json=body, params=params, headers={"apikey": address.api_key}, timeout=timeout
            )
        except httpx.HTTPError as exc:
            failure: Failure = classify_exception(exc)
        else:
            if response.status_code == success:
                try:
                    return _Decoded(response.json())
                except ValueError:
                    return Ambiguous(f"Evolution answered {success} with a body that is not JSON", success)
            failure = classify_error(response, address.instance_name)
        log.warning("Evolution %s %s: %s", method, path, failure.reason)
        return failure

    async def send_text(
        self,
        address: NumberAddress,
        number: str,
        text: str,
        delay_ms: int | None = None,
        link_preview: bool | None = None,
    ) -> SendResult:
        """POST /message/sendText; `delay_ms` (typing time) is added to the read timeout."""
        body: dict[str, Any] = {"number": number, "text": text, **_given(delay=delay_ms, linkPreview=link_preview)}
        return await self._send(address, "message/sendText", body, delay_ms)

    async def send_media(
        self, address: NumberAddress, number: str, media: Media, caption: str | None = None, delay_ms: int | None = None
    ) -> SendResult:
        """POST /message/sendMedia as JSON; `media.source` is an http(s) URL or raw base64 (no `data:` prefix, then
        `media.file_name` with the right extension is required: Evolution takes the MIME type from it) (§4.3)."""
        body: dict[str, Any] = {"number": number, "mediatype": media.kind, "media": media.source}
        body.update(_given(caption=caption, fileName=media.file_name, delay=delay_ms))
        return await self._send(address, "message/sendMedia", body, delay_ms)

    async def _send(self, address: NumberAddress, route: str, body: dict[str, Any], delay_ms: int | None) -> SendResult:
        extra = (delay_ms or 0) / 1000
        path = _path(route, address.instance_name)
        started = time.perf_counter()
        result = await self._expect(address, "POST", path, success=201, body=body, extra_read_seconds=extra)
        SEND_LATENCY.observe(time.perf_counter() - started)
        if not isinstance(result, _Decoded):
            return result
        payload = result.value
        key = payload.get("key") if isinstance(payload, dict) else None
        if not isinstance(key, dict) or not isinstance(key.get("id"), str) or not key["id"]:
            return Ambiguous("Evolution answered 201 without a message id", 201)
        return Sent(
            key_id=key["id"],
            remote_jid=str(key.get("remoteJid") or ""),
            timestamp=timestamp_of(payload.get("messageTimestamp")),
        )

    async def connection_state(self, address: NumberAddress) -> ConnectionState | Failure:
        instance = address.instance_name
        path = _path("instance/connectionState", instance)
        result = await self._expect(address, "GET", path, success=200)
        if not isinstance(result, _Decoded):
            return result
        inner = result.value.get("instance") if isinstance(result.value, dict) else None
        if not isinstance(inner, dict):
            return Ambiguous("Evolution answered connectionState without an instance", 200)
        return ConnectionState(instance=str(inner.get("instanceName", instance)), state=str(inner.get("state") or ""))

    async def fetch_instances(self, address: NumberAddress) -> tuple[InstanceInfo, ...] | Failure:
        """With the global key every instance (an address without an instance name); with an instance token only its
        own (§4.5)."""
        params = {"instanceName": address.instance_name} if address.instance_name else None
        result = await self._expect(address, "GET", "/instance/fetchInstances", success=200, params=params)
        if not isinstance(result, _Decoded):
            return result
        if not isinstance(result.value, list):
            return Ambiguous("Evolution answered fetchInstances without a list", 200)
        return tuple(instance_info(row) for row in result.value if isinstance(row, dict))

    async def check_numbers(
        self, address: NumberAddress, numbers: Sequence[str], batch_size: int = 50
    ) -> tuple[NumberCheck, ...] | Failure:
        """whatsappNumbers in batches (duplicates dropped: Evolution refuses them); the first failure wins."""
        unique = list(dict.fromkeys(numbers))
        checks: list[NumberCheck] = []
        path = _path("chat/whatsappNumbers", address.instance_name)
        for start in range(0, len(unique), max(1, batch_size)):
            batch = unique[start : start + max(1, batch_size)]
            result = await self._expect(address, "POST", path, success=200, body={"numbers": batch})
            if not isinstance(result, _Decoded):
                return result
            if not isinstance(result.value, list):
                return Ambiguous("Evolution answered whatsappNumbers without a list", 200)
            checks.extend(number_check(row) for row in result.value if isinstance(row, dict))
        return tuple(checks)

    async def set_webhook(
        self,
        address: NumberAddress,
        url: str,
        events: Sequence[str],
        headers: Mapping[str, str] | None = None,
        by_events: bool = False,
    ) -> WebhookInfo | Failure:
        """Register the instance webhook with the 2.3.6 keys; `headers` carry our secret (never echoed back)."""
        hook = {
            "enabled": True,
            "url": url,
            "events": list(events),
            "byEvents": by_events,
            "base64": False,
            "headers": dict(headers or {}),
        }
        path = _path("webhook/set", address.instance_name)
        result = await self._expect(address, "POST", path, success=201, body={"webhook": hook})
        if not isinstance(result, _Decoded):
            return result
        row = result.value if isinstance(result.value, dict) else {}
        return WebhookInfo(
            url=str(row.get("url", url)),
            enabled=bool(row.get("enabled", True)),
            events=tuple(row.get("events") or events),
            by_events=bool(row.get("webhookByEvents", by_events)),
        )

    async def find_messages(
        self, address: NumberAddress, key_id: str | None = None, remote_jid: str | None = None
    ) -> tuple[FoundMessage, ...] | Failure:
        """Reconciliation: did a send with this key id (or to this chat) happen? Reads every page (capped)."""
        key = {name: value for name, value in (("id", key_id), ("remoteJid", remote_jid)) if value is not None}
        found: list[FoundMessage] = []
        path = _path("chat/findMessages", address.instance_name)
        for page in range(1, MAX_FIND_PAGES + 1):
            body = {"where": {"key": key}, "page": page, "offset": 50}
            result = await self._expect(address, "POST", path, success=200, body=body)
            if not isinstance(result, _Decoded):
                return result
            messages = result.value.get("messages") if isinstance(result.value, dict) else None
            if not isinstance(messages, dict) or not isinstance(messages.get("records"), list):
                return Ambiguous("Evolution answered findMessages without records", 200)
            found.extend(found_message(record) for record in messages["records"] if isinstance(record, dict))
            if page >= int(messages.get("pages") or 0):
                break
        return tuple(found)


class _Decoded:
    """A successful answer's JSON, told apart from a failure result by type."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value
