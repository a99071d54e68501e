"""The usage-alert banner every page loads (a fragment of its own, so pages need not query for it) and dismissing."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models.accounts import alerts
from models.accounts.users import CurrentUser
from scheduler.clock import Clock
from views.guards import SignedInPages
from views.security import referer_path

AnyRequest = Request[Any, Any, Any]


async def banner(owner_id: int) -> Template:
    return Template("partials/accounts/alert_banner.html", context={"alerts": await alerts.active(owner_id)})


class AlertPages(SignedInPages):
    path = "/alerts"

    @get("/banner", name="alert_banner")
    async def banner(self, current_user: NamedDependency[CurrentUser]) -> Template:
        """Loaded by every page (base.html) after it renders."""
        return await banner(current_user.id)

    @post("/{alert_id:int}/dismiss", name="alert_dismiss")
    async def dismiss(
        self,
        request: HTMXRequest,
        alert_id: FromPath[int],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        await alerts.dismiss(current_user.id, alert_id, now=clock.now())
        if request.htmx:
            return await banner(current_user.id)
        return Redirect(referer_path(request, "/account"), status_code=303)
