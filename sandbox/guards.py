"""Evolution's error envelope, its guard order (instance exists -> apikey) and body parsing."""

from __future__ import annotations

import asyncio
import hmac
import json
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException

from sandbox.state import Instance, SandboxState


class EvolutionError(Exception):
    """An answer in Evolution's error shape; `wrapped=False` is whatsappNumbers' bare `message` form."""

    def __init__(
        self,
        status: int,
        message: Any,
        *,
        error: str | None = None,
        wrapped: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.error = error or HTTPStatus(status).phrase
        self.wrapped = wrapped
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        if self.wrapped:
            return {"status": self.status, "error": self.error, "response": {"message": self.message}}
        return {"status": self.status, "error": self.error, "message": self.message}


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response[bytes]:
    """Serialise ourselves so `null` stays `null` and key order stays Evolution's."""
    return Response(
        content=json.dumps(payload, ensure_ascii=False).encode(),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def evolution_error_handler(_: Request[Any, Any, Any], exc: EvolutionError) -> Response[bytes]:
    return json_response(exc.body(), exc.status, exc.headers)


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    """Express answers unknown routes (and wrong methods) with 404 `["Cannot POST /path"]`."""
    if exc.status_code in (404, 405):
        body = EvolutionError(404, [f"Cannot {request.method} {request.url.path}"]).body()
        return json_response(body, 404)
    return json_response(EvolutionError(exc.status_code, [str(exc.detail)]).body(), exc.status_code)


def sandbox_state(request: Request[Any, Any, Any]) -> SandboxState:
    state: SandboxState = request.app.state["sandbox"]
    return state


def check_key(state: SandboxState, request: Request[Any, Any, Any], instance: Instance | None = None) -> str:
    """401 unless the `apikey` header is the global key or (for its own instance) the instance token."""
    key = request.headers.get("apikey") or ""
    accepted = [state.api_key] + ([instance.token] if instance is not None else [])
    if not key or not any(hmac.compare_digest(key, good) for good in accepted):
        raise EvolutionError(401, "Unauthorized")
    return key


async def guarded_instance(request: Request[Any, Any, Any]) -> Instance:
    """Guard order as in Evolution: unknown instance -> 404 (even without a key), then apikey -> 401.

    Also applies the sandbox latency, so every guarded route is slowed alike.
    """
    state = sandbox_state(request)
    name = request.path_params["instance"]
    instance = state.instances.get(name)
    if instance is None:
        raise EvolutionError(404, [f'The "{name}" instance does not exist'])
    check_key(state, request, instance)
    latency = state.knobs_for(instance).latency_ms
    if latency:
        await asyncio.sleep(latency / 1000)
    return instance


async def json_body(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Parse the body; malformed JSON is 400 with the parser's message (and Express's odd `error`)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise EvolutionError(400, str(exc), error="Internal Server Error") from exc
    if not isinstance(body, dict):
        raise EvolutionError(400, [["instance is not of a type(s) object"]])
    return body


def require(body: dict[str, Any], checks: dict[str, tuple[type | tuple[type, ...], str]]) -> None:
    """JSON-schema-like checks; failures come back doubly nested as in abstract.router.ts."""
    errors: list[str] = []
    for name, (kind, wrong_type_message) in checks.items():
        if name not in body:
            errors.append(f'instance requires property "{name}"')
        elif not isinstance(body[name], kind) or (isinstance(body[name], bool) and bool not in _tuple(kind)):
            errors.append(wrong_type_message)
    if errors:
        raise EvolutionError(400, [errors])


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
