"""The usage-alert banner every page loads (a fragment of its own, so pages need not query for it) and dismissing."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models.accounts import alerts
from views.deps import AppClock, SignedInUser
from views.guards import SignedInPages
from views.security import referer_path


async def banner(owner_id: int) -> Template:
    return Template("partials/accounts/alert_banner.html", context={"alerts": await alerts.active(owner_id)})


class AlertPages(SignedInPages):
    path = "/alerts"

    @get("/banner", name="alert_banner")
    async def banner(self, current_user: SignedInUser) -> Template:
        """Loaded by every page (base.html) after it renders."""
        return await banner(current_user.id)

    @post("/{alert_id:int}/dismiss", name="alert_dismiss")
    async def dismiss(
        self, request: HTMXRequest, alert_id: FromPath[int], current_user: SignedInUser, clock: AppClock
    ) -> Template | Redirect:
        await alerts.dismiss(current_user.id, alert_id, now=clock.now())
        if request.htmx:
            return await banner(current_user.id)
        return Redirect(referer_path(request, "/account"), status_code=303)
