"""Campaign pages."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from views.guards import requires_login


class CampaignPages(Controller):
    path = "/campaigns"
    guards = [requires_login]
    include_in_schema = False

    @get("/", name="campaign_list")
    async def list_(self) -> Template:
        return Template("campaigns/list.html", context={"campaigns": []})
