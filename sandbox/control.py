"""The sandbox's own control API under `/_sandbox/`: arrange a scenario, then inspect what happened.

Every route needs the global key in the `apikey` header (401 otherwise). Bodies and answers are JSON.

    GET   /_sandbox/knobs                          -> 200 the sandbox-wide knobs (see `state.Knobs`)
    PATCH /_sandbox/knobs                {knob: value, ...}   -> 200 the knobs after the change
    POST  /_sandbox/instances            {name, token?, state?, ownerJid?, profileName?, number?, knobs?}
                                         -> 201 the instance (created, or updated field by field)
    PATCH /_sandbox/instances/{name}/knobs   {knob: value, ...} -> 200 the instance (per-instance overrides;
                                         `null` removes an override)
    POST  /_sandbox/instances/{name}/state   {state: open|connecting|close, statusReason?: 401}
                                         -> 200 the instance; posts `connection.update` when the state changed
    POST  /_sandbox/instances/{name}/inbound {number, text?="STOP", lid?=false, remoteJidAlt?=true,
                                         quotedId?, pushName?, id?, source?}
                                         -> 201 the `messages.upsert` data, also posted to the webhook
    GET   /_sandbox/requests             -> 200 [{method, path, instance, body, time, status}] of Evolution routes
    GET   /_sandbox/messages             -> 200 sent messages (201 body + id, instance, MessageUpdate)
    GET   /_sandbox/webhooks             -> 200 [{url, event, attempt, status}] every webhook delivery attempt
    POST  /_sandbox/reset                -> 200 {} (initial instances, default knobs, empty logs)
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, patch, post

from sandbox.guards import EvolutionError, check_key, json_body, json_response, sandbox_state
from sandbox.payloads import inbound_data
from sandbox.receipts import announce_state, post_event
from sandbox.state import CONNECTION_STATES, Instance, Knobs, SandboxState

AnyRequest = Request[Any, Any, Any]
_INSTANCE_FIELDS = {"token": "token", "ownerJid": "owner_jid", "profileName": "profile_name", "number": "number"}


async def _authorised(request: AnyRequest) -> tuple[SandboxState, dict[str, Any]]:
    state = sandbox_state(request)
    check_key(state, request)
    return state, await json_body(request)


def _instance(state: SandboxState, request: AnyRequest) -> Instance:
    name = request.path_params["name"]
    if name not in state.instances:
        raise EvolutionError(404, [f'The "{name}" instance does not exist'])
    return state.instances[name]


def _knob_changes(current: Knobs, changes: dict[str, Any]) -> Knobs:
    try:
        return current.updated(changes)
    except (ValueError, TypeError) as exc:
        raise EvolutionError(400, [str(exc)]) from exc


@get("/_sandbox/knobs", name="sandbox_knobs")
async def read_knobs(request: AnyRequest) -> Response[bytes]:
    state, _ = await _authorised(request)
    return json_response(state.knobs.to_json())


@patch("/_sandbox/knobs", name="sandbox_set_knobs")
async def set_knobs(request: AnyRequest) -> Response[bytes]:
    state, body = await _authorised(request)
    _knob_changes(state.knobs, body)
    return json_response(state.set_knobs(body).to_json())


@post("/_sandbox/instances", name="sandbox_put_instance")
async def put_instance(request: AnyRequest) -> Response[bytes]:
    """Create or update an instance; an update keeps what the body does not mention."""
    state, body = await _authorised(request)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise EvolutionError(400, [['instance requires property "name"']])
    if body.get("state", "open") not in CONNECTION_STATES:
        raise EvolutionError(400, [f"state must be one of {', '.join(CONNECTION_STATES)}"])
    instance = state.instances.get(name) or Instance(name=name)
    for key, attribute in _INSTANCE_FIELDS.items():
        if key in body:
            setattr(instance, attribute, body[key])
    instance.state = body.get("state", instance.state)
    if "knobs" in body:
        _knob_changes(state.knobs, body["knobs"])
        instance.overrides = dict(body["knobs"])
    state.instances[name] = instance
    return json_response(instance.to_json(), 201)


@patch("/_sandbox/instances/{name:str}/knobs", name="sandbox_instance_knobs")
async def set_instance_knobs(request: AnyRequest) -> Response[bytes]:
    state, body = await _authorised(request)
    instance = _instance(state, request)
    overrides = {**instance.overrides, **body}
    overrides = {k: v for k, v in overrides.items() if v is not None or k == "seed"}
    _knob_changes(state.knobs, overrides)
    instance.overrides = overrides
    return json_response(instance.to_json())


@post("/_sandbox/instances/{name:str}/state", name="sandbox_instance_state", status_code=200)
async def set_state(request: AnyRequest) -> Response[bytes]:
    """Move the connection state machine; a change is announced with `connection.update`."""
    state, body = await _authorised(request)
    instance = _instance(state, request)
    new_state = body.get("state")
    if new_state not in CONNECTION_STATES:
        raise EvolutionError(400, [f"state must be one of {', '.join(CONNECTION_STATES)}"])
    if new_state != instance.state:
        instance.state = new_state
        announce_state(state, instance, int(body.get("statusReason", 401 if new_state == "close" else 200)))
    return json_response(instance.to_json())


@post("/_sandbox/instances/{name:str}/inbound", name="sandbox_inbound")
async def inject_inbound(request: AnyRequest) -> Response[bytes]:
    """Simulate a contact writing to the instance (STOP, quoted reply, LID-addressed...)."""
    state, body = await _authorised(request)
    instance = _instance(state, request)
    if not isinstance(body.get("number"), str):
        raise EvolutionError(400, [['instance requires property "number"']])
    data = inbound_data(state, instance, body)
    state.inbound.append(data)
    state.spawn(post_event(state, instance, "messages.upsert", data))
    return json_response(data, 201)


@get("/_sandbox/requests", name="sandbox_requests")
async def list_requests(request: AnyRequest) -> Response[bytes]:
    state, _ = await _authorised(request)
    return json_response([record.to_json() for record in state.requests])


@get("/_sandbox/messages", name="sandbox_messages")
async def list_messages(request: AnyRequest) -> Response[bytes]:
    state, _ = await _authorised(request)
    return json_response(state.messages)


@get("/_sandbox/webhooks", name="sandbox_webhooks")
async def list_webhooks(request: AnyRequest) -> Response[bytes]:
    state, _ = await _authorised(request)
    return json_response(state.webhook_log)


@post("/_sandbox/reset", name="sandbox_reset", status_code=200)
async def reset(request: AnyRequest) -> Response[bytes]:
    state, _ = await _authorised(request)
    state.reset()
    return json_response({})


CONTROL_HANDLERS = [
    read_knobs,
    set_knobs,
    put_instance,
    set_instance_knobs,
    set_state,
    inject_inbound,
    list_requests,
    list_messages,
    list_webhooks,
    reset,
]
