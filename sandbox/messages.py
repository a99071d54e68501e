"""Evolution's message routes: sendText, sendMedia (JSON), findMessages, findStatusMessage."""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
import time
from typing import Any

from litestar import Request, Response, post

from sandbox.guards import EvolutionError, guarded_instance, json_body, json_response, require, sandbox_state
from sandbox.payloads import (
    MEDIA_TYPES,
    is_on_whatsapp,
    media_record,
    new_message_id,
    new_row_id,
    normalise_jid,
    sent_message,
)
from sandbox.receipts import schedule_receipts
from sandbox.state import Instance, SandboxState

AnyRequest = Request[Any, Any, Any]


async def _send_request(request: AnyRequest, field: str, type_error: str) -> tuple[Instance, dict[str, Any]]:
    """Both sends' checks, in Evolution's order: the API key, the JSON body, `number` and the required string
    `field` (its own type error), then `delay` in milliseconds."""
    instance = await guarded_instance(request)
    body = await json_body(request)
    require(body, {"number": (str, "Invalid format"), field: (str, type_error)})
    delay = body.get("delay")
    if delay is not None and (not isinstance(delay, int) or isinstance(delay, bool)):
        raise EvolutionError(400, [["Enter a value in milliseconds"]])
    return instance, body


@post("/message/sendText/{instance:str}", name="send_text")
async def send_text(request: AnyRequest) -> Response[bytes]:
    """201 with the stored message, or Evolution's 400/500 variants (§4.2)."""
    instance, body = await _send_request(request, "text", "instance.text is not of a type(s) string")
    if not body["text"].strip():
        raise EvolutionError(400, ["Text is required"])
    state = sandbox_state(request)
    if instance.state != "open":
        if state.knobs_for(instance).closed_send_status == 400:
            raise EvolutionError(400, ["Error: Connection Closed"])
        raise EvolutionError(500, "Connection Closed")
    return await _send(state, instance, body, "conversation", {"conversation": body["text"]})


def _base64_content(media: str) -> bytes | None:
    """The bytes of raw base64 media (Evolution's base64 test), or None for anything else."""
    if len(media) % 4:
        return None
    try:
        return base64.b64decode(media, validate=True)
    except (binascii.Error, ValueError):
        return None


@post("/message/sendMedia/{instance:str}", name="send_media")
async def send_media(request: AnyRequest) -> Response[bytes]:
    """JSON sendMedia (§4.3); media must be an http(s) URL or raw base64."""
    instance, body = await _send_request(request, "mediatype", "instance.mediatype is not of a type(s) string")
    if body["mediatype"] not in MEDIA_TYPES:
        raise EvolutionError(400, [[f"instance.mediatype is not one of enum values: {','.join(MEDIA_TYPES)}"]])
    media = body.get("media")
    is_url = isinstance(media, str) and media.startswith(("http://", "https://"))
    content = None if is_url or not isinstance(media, str) else _base64_content(media)
    if not isinstance(media, str) or not (is_url or content is not None):
        raise EvolutionError(400, ["Owned media must be a url or base64"])
    if not is_url and body["mediatype"] == "document" and not body.get("fileName"):
        raise EvolutionError(400, ["For base64 the file name must be informed."])
    state = sandbox_state(request)
    if instance.state != "open":
        raise EvolutionError(500, ["Error: Connection Closed"])
    message_type, message = media_record(body, state.rng, int(time.time()), content=content)
    return await _send(state, instance, body, message_type, message)


async def _send(
    state: SandboxState, instance: Instance, body: dict[str, Any], message_type: str, message: dict[str, Any]
) -> Response[bytes]:
    """The shared tail of a send: injected 429/5xx/hang, number check, typing delay, record, receipts."""
    knobs = state.knobs_for(instance)
    roll = state.fault_rng.random()
    if roll < knobs.rate_limit_share:
        raise EvolutionError(429, ["Too Many Requests"], headers={"Retry-After": str(knobs.retry_after_s)})
    number = body["number"]
    if not is_on_whatsapp(number, knobs.not_on_whatsapp):
        raise EvolutionError(400, [{"jid": normalise_jid(number), "exists": False, "number": number}])
    if body.get("delay"):
        await asyncio.sleep(body["delay"] / 1000)
    roll -= knobs.rate_limit_share
    if roll < knobs.error_share:
        if knobs.error_records_sent:
            _record(state, instance, number, message_type, message)
        raise EvolutionError(500, "Timed Out")
    roll -= knobs.error_share
    if roll < knobs.timeout_share:
        record = _record(state, instance, number, message_type, message) if knobs.timeout_records_sent else None
        await asyncio.sleep(knobs.timeout_hold_s)
        if record is None:
            raise EvolutionError(500, "Timed Out")
        return json_response(record, 201)
    return json_response(_record(state, instance, number, message_type, message), 201)


def _record(
    state: SandboxState, instance: Instance, number: str, message_type: str, message: dict[str, Any]
) -> dict[str, Any]:
    """Store the sent message and start its receipts; returns the public 201 body."""
    record = sent_message(instance, normalise_jid(number), message_type, message, new_message_id(state.rng))
    stored = {"id": new_row_id(state), **record, "instance": instance.name, "MessageUpdate": []}
    state.messages.append(stored)
    schedule_receipts(state, instance, stored)
    return record


@post("/chat/findMessages/{instance:str}", name="find_messages", status_code=200)
async def find_messages(request: AnyRequest) -> Response[bytes]:
    """Paged message records filtered by `where.key.{id,remoteJid,fromMe}` and `messageTimestamp` (§4.8)."""
    instance, body, where = await _search(request)
    key = where.get("key") or {}
    span = where.get("messageTimestamp") or {}
    state = sandbox_state(request)
    found = []
    for stored in state.messages:
        if stored["instance"] != instance.name:
            continue
        wanted = {"id": key.get("id"), "remoteJid": key.get("remoteJid"), "fromMe": key.get("fromMe")}
        if any(value is not None and stored["key"][name] != value for name, value in wanted.items()):
            continue
        stamp = stored["messageTimestamp"]
        if stamp < span.get("gte", -math.inf) or stamp > span.get("lte", math.inf):
            continue
        found.append(_public_record(stored))
    records, page, size = _page(body, found)
    result = {"total": len(found), "pages": math.ceil(len(found) / size), "currentPage": page, "records": records}
    return json_response({"messages": result})


async def _search(request: AnyRequest) -> tuple[Instance, dict[str, Any], dict[str, Any]]:
    """Both searches' request: the instance (API key checked), the JSON body and its `where` filter."""
    instance = await guarded_instance(request)
    body = await json_body(request)
    return instance, body, body.get("where") or {}


def _page(body: dict[str, Any], rows: list[Any]) -> tuple[list[Any], int, int]:
    """Evolution's paging for both searches: `offset` is the page size (50 by default), `page` counts from 1."""
    size = int(body.get("offset") or 50)
    page = int(body.get("page") or 1)
    return rows[(page - 1) * size : page * size], page, size


def _public_record(stored: dict[str, Any]) -> dict[str, Any]:
    fields = ("id", "key", "pushName", "messageType", "message", "messageTimestamp", "instanceId", "source")
    record = {name: stored[name] for name in fields}
    record["contextInfo"] = stored["contextInfo"]
    record["MessageUpdate"] = [dict(update) for update in stored["MessageUpdate"]]
    return record


@post("/chat/findStatusMessage/{instance:str}", name="find_status_message", status_code=200)
async def find_status_message(request: AnyRequest) -> Response[bytes]:
    """Status-history rows for `where.id` (a keyId), optionally `where.remoteJid`."""
    instance, body, where = await _search(request)
    state = sandbox_state(request)
    rows = [
        row
        for row in state.statuses
        if row["instanceId"] == instance.id
        and (where.get("id") is None or row["keyId"] == where["id"])
        and (where.get("remoteJid") is None or row["remoteJid"] == where["remoteJid"])
    ]
    return json_response(_page(body, rows)[0])
