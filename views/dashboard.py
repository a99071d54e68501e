"""The dashboard: what a marketer checks first (statistics, today's sends per number, campaigns running now)."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from models.campaigns.dashboard import dashboard
from views.deps import AppClock, SignedInUser
from views.guards import SignedInPages


class DashboardPages(SignedInPages):
    path = "/dashboard"

    @get("/", name="dashboard")
    async def detail(self, current_user: SignedInUser, clock: AppClock) -> Template:
        board = await dashboard(current_user.id, now=clock.now())
        return Template("dashboard.html", context={"board": board})
