"""An Evolution API 2.3.6 simulator as a standalone ASGI app (imports nothing from the rest of Arauto).

Evolution routes, with the status codes and JSON shapes of /work/shared/evolution/:

    GET  /                                   health (no auth)
    POST /message/sendText/{instance}        201 | 400 | 401 | 404 | 429 | 500
    POST /message/sendMedia/{instance}       JSON body only
    GET  /instance/connectionState/{instance}
    GET  /instance/fetchInstances
    POST /chat/whatsappNumbers/{instance}    errors without the `response` wrapper
    POST /webhook/set/{instance}             201
    GET  /webhook/find/{instance}
    POST /chat/findMessages/{instance}
    POST /chat/findStatusMessage/{instance}

Guard order: unknown instance -> 404 before auth; then the `apikey` header (global key anywhere,
an instance token on its own instance) -> 401 `"Unauthorized"`. Behaviour knobs (latency, hangs,
5xx, 429, numbers not on WhatsApp, receipt switches, seed) live in `sandbox.state.Knobs`; the
control API that sets them and shows the request log is documented in `sandbox.control`.

Number rules (whatsappNumbers and sends alike): a number is not on WhatsApp when its digits or JID are listed
in the `not_on_whatsapp` knob; it resolves to a JID as Evolution's createJid does (`payloads.normalise_jid`), so a
Brazilian mobile typed with its ninth digit (5531987654321) resolves to the JID without it (553187654321@...).
"""

from __future__ import annotations

import json
import time
from typing import Any, cast

from litestar import Litestar
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp

from sandbox.control import CONTROL_HANDLERS
from sandbox.guards import EvolutionError, evolution_error_handler, http_error_handler
from sandbox.instances import connection_state, fetch_instances, health, webhook_find, webhook_set, whatsapp_numbers
from sandbox.messages import find_messages, find_status_message, send_media, send_text
from sandbox.state import RequestRecord, SandboxState

EVOLUTION_HANDLERS = [
    health,
    send_text,
    send_media,
    connection_state,
    fetch_instances,
    whatsapp_numbers,
    webhook_set,
    webhook_find,
    find_messages,
    find_status_message,
]


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def request_log(app: ASGIApp) -> ASGIApp:
    """Record every Evolution request (not the control API) with its body and answer status.

    The record is appended before the handler runs, so a send that hangs is visible with status None.
    """

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/_sandbox"):
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False) and message["type"] == "http.request"
        raw = b"".join(chunks)
        state: SandboxState = scope["app"].state["sandbox"]
        record = RequestRecord(
            method=scope["method"],
            path=path,
            instance=(scope.get("path_params") or {}).get("instance"),
            body=_decode(raw),
            time=time.time(),
        )
        state.requests.append(record)
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        await app(scope, replay, watch)

    return cast(ASGIApp, middleware)


def create_sandbox_app(state: SandboxState | None = None) -> Litestar:
    """Build the simulator around `state` (a fresh default one when omitted)."""
    sandbox = state or SandboxState()
    return Litestar(
        route_handlers=[*EVOLUTION_HANDLERS, *CONTROL_HANDLERS],
        middleware=[request_log],
        exception_handlers={EvolutionError: evolution_error_handler, HTTPException: http_error_handler},
        state=State({"sandbox": sandbox}),
        openapi_config=None,
        debug=False,
    )
