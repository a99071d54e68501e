"""The front door, and the checks an orchestrator asks: alive (`/healthz`) and ready to serve (`/readyz`)."""

from __future__ import annotations

from typing import Any

from apscheduler.schedulers.base import STATE_RUNNING
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.response import Redirect

from models.health import database_problems
from settings import Settings
from views.deps import AnyRequest, AppSettings


def sender_problem(state: State, settings: Settings) -> str | None:
    """Why the sender this process should run is not running, or None (also when ARAUTO_SCHEDULER is off)."""
    if not settings.scheduler_enabled:
        return None
    scheduler = state.get("scheduler")
    if scheduler is None or scheduler.state != STATE_RUNNING:
        return "not running"
    return None


class HomePages(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Redirect:
        return Redirect("/campaigns", status_code=303)

    @get("/healthz", name="healthz")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", name="readyz")
    async def ready(self, request: AnyRequest, settings: AppSettings) -> Response[dict[str, Any]]:
        """503 naming each failing check, so a load balancer waits and an operator sees why."""
        failing = await database_problems()
        if problem := sender_problem(request.app.state, settings):
            failing["sender"] = problem
        body = {"status": "not ready" if failing else "ready", "failing": failing}
        return Response(body, status_code=503 if failing else 200)
