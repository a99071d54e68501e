"""Evolution's instance, number-check and webhook routes, plus the unauthenticated health check."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from sandbox.guards import EvolutionError, check_key, guarded_instance, json_body, json_response, sandbox_state
from sandbox.payloads import instance_row, is_on_whatsapp, normalise_jid, webhook_row
from sandbox.state import WebhookConfig, iso_now

AnyRequest = Request[Any, Any, Any]
VALID_EVENTS = frozenset(
    {
        "APPLICATION_STARTUP",
        "QRCODE_UPDATED",
        "MESSAGES_SET",
        "MESSAGES_UPSERT",
        "MESSAGES_EDITED",
        "MESSAGES_UPDATE",
        "MESSAGES_DELETE",
        "SEND_MESSAGE",
        "SEND_MESSAGE_UPDATE",
        "CONTACTS_SET",
        "CONTACTS_UPSERT",
        "CONTACTS_UPDATE",
        "PRESENCE_UPDATE",
        "CHATS_SET",
        "CHATS_UPSERT",
        "CHATS_UPDATE",
        "CHATS_DELETE",
        "GROUPS_UPSERT",
        "GROUP_UPDATE",
        "GROUP_PARTICIPANTS_UPDATE",
        "CONNECTION_UPDATE",
        "LABELS_EDIT",
        "LABELS_ASSOCIATION",
        "CALL",
        "TYPEBOT_START",
        "TYPEBOT_CHANGE_STATUS",
        "REMOVE_INSTANCE",
        "LOGOUT_INSTANCE",
        "INSTANCE_CREATE",
        "INSTANCE_DELETE",
        "STATUS_INSTANCE",
    }
)


@get("/", name="health")
async def health(request: AnyRequest) -> Response[bytes]:
    """No auth, as in index.router.ts."""
    return json_response(
        {
            "status": 200,
            "message": "Welcome to the Evolution API, it is working!",
            "version": "2.3.6",
            "clientName": "evolution_exchange",
            "manager": f"{sandbox_state(request).server_url}/manager",
            "documentation": "https://doc.evolution-api.com",
            "whatsappWebVersion": "2.3000.1028956245",
        }
    )


@get("/instance/connectionState/{instance:str}", name="connection_state")
async def connection_state(request: AnyRequest) -> Response[bytes]:
    instance = await guarded_instance(request)
    return json_response({"instance": {"instanceName": instance.name, "state": instance.state}})


@get("/instance/fetchInstances", name="fetch_instances")
async def fetch_instances(request: AnyRequest) -> Response[bytes]:
    """Global key: every instance; an instance token: only the instances holding it (else 401)."""
    state = sandbox_state(request)
    key = request.headers.get("apikey") or ""
    if key != state.api_key:
        holders = [inst for inst in state.instances.values() if key and inst.token == key]
        if not holders:
            check_key(state, request)
    else:
        holders = list(state.instances.values())
    wanted = request.query_params.get("instanceName")
    if wanted is not None:
        if wanted not in state.instances:
            raise EvolutionError(404, [f'Instance "{wanted}" not found'])
        holders = [inst for inst in holders if inst.name == wanted]
    return json_response([instance_row(inst) for inst in holders])


@post("/chat/whatsappNumbers/{instance:str}", name="whatsapp_numbers", status_code=200)
async def whatsapp_numbers(request: AnyRequest) -> Response[bytes]:
    """200 array in input order; this router's own errors come back without the `response` wrapper."""
    instance = await guarded_instance(request)
    try:
        body = await json_body(request)
    except EvolutionError as exc:
        raise EvolutionError(400, exc.message, wrapped=False) from exc
    numbers = body.get("numbers")
    if (
        not isinstance(numbers, list)
        or not numbers
        or not all(isinstance(n, str) for n in numbers)
        or len(set(numbers)) != len(numbers)
    ):
        raise EvolutionError(400, [['"numbers" must be an array of numeric strings']], wrapped=False)
    state = sandbox_state(request)
    if instance.state != "open":
        raise EvolutionError(400, "Connection Closed", wrapped=False)
    missing = state.knobs_for(instance).not_on_whatsapp
    return json_response(
        [{"jid": normalise_jid(n), "exists": is_on_whatsapp(n, missing), "number": n} for n in numbers]
    )


@post("/webhook/set/{instance:str}", name="webhook_set")
async def webhook_set(request: AnyRequest) -> Response[bytes]:
    """Store the instance webhook (2.3.6 keys `byEvents`/`base64` inside `webhook`); 201 with the row."""
    instance = await guarded_instance(request)
    body = await json_body(request)
    hook = body.get("webhook")
    if not isinstance(hook, dict):
        raise EvolutionError(400, [['instance requires property "webhook"']])
    errors = []
    if not isinstance(hook.get("enabled"), bool):
        errors.append('instance.webhook requires property "enabled"')
    url = hook.get("url")
    if hook.get("enabled") and (not isinstance(url, str) or not url):
        errors.append('instance.webhook requires property "url"')
    events = hook.get("events", [])
    if not isinstance(events, list) or any(e not in VALID_EVENTS for e in events):
        errors.append("instance.webhook.events is not one of enum values")
    headers = hook.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        errors.append("instance.webhook.headers is not of a type(s) object")
    if errors:
        raise EvolutionError(400, [errors])
    previous = instance.webhook
    instance.webhook = WebhookConfig(
        url=url or "",
        enabled=hook["enabled"],
        events=list(events),
        headers=dict(headers),
        by_events=bool(hook.get("byEvents", False)),
        base64=bool(hook.get("base64", False)),
    )
    if previous is not None:
        instance.webhook.id, instance.webhook.created_at = previous.id, previous.created_at
        instance.webhook.updated_at = iso_now()
    return json_response(webhook_row(instance, instance.webhook), 201)


@get("/webhook/find/{instance:str}", name="webhook_find")
async def webhook_find(request: AnyRequest) -> Response[bytes]:
    instance = await guarded_instance(request)
    hook = instance.webhook
    return json_response(None if hook is None else webhook_row(instance, hook))
