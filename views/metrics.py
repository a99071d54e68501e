"""GET /metrics for Prometheus (a Bearer token, ARAUTO_METRICS_TOKEN, outside the login and API-token machinery;
without a token configured the route is a 404), and
the middleware that times the requests the metrics describe (progress polls, webhooks)."""

from __future__ import annotations

import hmac
import re
import time

from litestar import Controller, Response, get
from litestar.enums import MediaType, ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from models import metrics
from views.deps import AnyRequest, AppSettings

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_PROGRESS_PATH = re.compile(r"/(?:api/)?campaigns/\d+/progress")
_WEBHOOK_PREFIX = "/webhooks/evolution/"


class MetricsEndpoint(Controller):
    include_in_schema = False

    @get("/metrics", name="metrics")
    async def metrics(self, request: AnyRequest, settings: AppSettings) -> Response[str]:
        """Off unless a token is configured, so a fresh install exposes nothing it was not asked to."""
        if not settings.metrics_token:
            return Response("Not Found\n", status_code=404, media_type=MediaType.TEXT)
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
            headers = {"WWW-Authenticate": "Bearer"}
            return Response("Unauthorized\n", status_code=401, media_type=MediaType.TEXT, headers=headers)
        return Response(await metrics.exposition(), media_type=CONTENT_TYPE)


def _histogram_for(scope: Scope) -> metrics.Histogram | None:
    if scope["type"] != ScopeType.HTTP:
        return None
    path = scope.get("path", "")
    if scope.get("method") == "POST" and path.startswith(_WEBHOOK_PREFIX):
        return metrics.WEBHOOK_LAG  # the handler stores and applies the event before it answers
    if scope.get("method") == "GET" and _PROGRESS_PATH.fullmatch(path):
        return metrics.POLL_LATENCY
    return None


def timing_middleware(app: ASGIApp) -> ASGIApp:
    """Observe how long the progress polls and the webhooks take, whatever they answer."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        histogram = _histogram_for(scope)
        if histogram is None:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            await app(scope, receive, send)
        finally:
            histogram.observe(time.perf_counter() - started)

    return middleware
