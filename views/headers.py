"""Security headers on every response (pages, fragments, JSON, static files, errors) and the OpenAPI schema's
route: JSON only (no UI loaded from a CDN), behind login (a session or a Bearer token)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Router
from litestar.datastructures import MutableScopeHeaders
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.types import Message, Scope

from views.guards import requires_login

# No inline script anywhere (htmx is a same-origin file); style attributes draw the progress bars, hence
# `style-src-attr 'unsafe-inline'` while <style> elements stay refused.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
HSTS = "max-age=31536000"


def security_headers(*, https: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook; behind HTTPS it also tells browsers to keep to HTTPS."""
    headers = {**SECURITY_HEADERS, **({"strict-transport-security": HSTS} if https else {})}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableScopeHeaders.from_message(message)
            for name, value in headers.items():
                if name not in response_headers:
                    response_headers[name] = value

    return add_headers


def openapi_config() -> OpenAPIConfig:
    """`/schema` and `/schema/openapi.json` answer the JSON schema to signed-in users and API tokens only."""
    router = Router("/schema", route_handlers=[], include_in_schema=False, guards=[requires_login])
    return OpenAPIConfig(
        title="Arauto", version="0.1.0", path="/schema", render_plugins=[JsonRenderPlugin()], openapi_router=router
    )
