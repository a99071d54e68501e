"""The campaign list (filters, sort, pagination; its <tbody> swapped by htmx) and deleting a campaign."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from models.campaigns import editing as campaigns
from models.campaigns import lifecycle
from models.campaigns import queries as campaign_queries
from models.campaigns.progress import campaign_percent
from models.campaigns.queries import DEFAULT_LIMIT, SORT_COLUMNS, CampaignFilter
from models.statuses import CampaignStatus
from views.campaigns.deps import OwnCampaign
from views.deps import AnyRequest, SignedInUser
from views.i18n import _
from views.redirects import success_redirect


async def _listing(owner_id: int, query: CampaignFilter) -> dict[str, Any]:
    page = await campaign_queries.list_campaigns(owner_id, query)
    rows = [
        {
            "campaign": c,
            "percent": campaign_percent(c),
            "can_edit": lifecycle.can_edit(c.status),
            "can_delete": lifecycle.can_delete(c.status),
        }
        for c in page.items
    ]
    instances = await campaign_queries.instance_choices(owner_id)
    page_number = page.offset // page.limit + 1
    return {
        "page": page,
        "rows": rows,
        "query": query,
        "instances": instances,
        "instance_names": {row["id"]: row["name"] for row in instances},
        "statuses": list(CampaignStatus),
        "sort_columns": list(SORT_COLUMNS),
        "page_number": page_number,
        "sort_links": {
            column: _list_url(query, sort_by=column, order=_next_order(query, column)) for column in SORT_COLUMNS
        },
        "previous_url": _list_url(query, page=page_number - 1) if page.has_previous else "",
        "next_url": _list_url(query, page=page_number + 1) if page.has_next else "",
    }


def _next_order(query: CampaignFilter, column: str) -> str:
    """Clicking the sorted column flips its order; another column starts ascending."""
    return "desc" if query.sort_by == column and query.sort_order == "asc" else "asc"


def _list_url(query: CampaignFilter, *, sort_by: str = "", order: str = "", page: int = 1) -> str:
    """A link to the full list page keeping the current filters (pages and sort work without JS)."""
    params = {
        "status": query.status,
        "instance": query.instance_id or "",
        "search": query.search,
        "sort": sort_by or query.sort_by,
        "order": order or query.sort_order,
        "page": page,
    }
    return "/campaigns/?" + urlencode(params)


Text = Annotated[str, QueryParameter()]


async def provide_list_filter(
    status: Text = "",
    instance: Text = "",
    search: Text = "",
    sort: Text = "createdAt",
    order: Text = "desc",
    page: Annotated[int, QueryParameter(ge=1)] = 1,
) -> CampaignFilter:
    """The list's filters from the query string, for the page and its rows fragment alike; page links and filter
    forms send strings, and anything unknown falls back to the default view."""
    return CampaignFilter(
        status=status if status in CampaignStatus.__members__ else "",
        instance_id=int(instance) if instance.isdigit() else None,
        search=search,
        sort_by=sort if sort in SORT_COLUMNS else "createdAt",
        sort_order=order if order in ("asc", "desc") else "desc",
        limit=DEFAULT_LIMIT,
        offset=(page - 1) * DEFAULT_LIMIT,
    )


class CampaignListRoutes(Controller):
    """Mixed into `CampaignPages` (views/campaigns/__init__.py): one controller, so `/campaigns` has one OPTIONS."""

    @get("/", name="campaign_list")
    async def list_(self, current_user: SignedInUser, list_filter: NamedDependency[CampaignFilter]) -> Template:
        """The full page (works without JS); the filter form re-fetches only the rows through `campaign_rows`."""
        return Template("campaigns/list.html", context=await _listing(current_user.id, list_filter))

    @get("/rows", name="campaign_rows")
    async def rows(self, current_user: SignedInUser, list_filter: NamedDependency[CampaignFilter]) -> Template:
        return Template("partials/campaigns/rows.html", context=await _listing(current_user.id, list_filter))

    @get("/{campaign_id:int}/delete", name="campaign_delete_confirm")
    async def confirm_delete(self, campaign: OwnCampaign) -> Template:
        """The confirmation step: deleting also removes every recipient and cannot be undone."""
        return Template("campaigns/delete.html", context={"campaign": campaign})

    @post("/{campaign_id:int}/delete", name="campaign_delete")
    async def delete(self, request: AnyRequest, campaign: OwnCampaign, current_user: SignedInUser) -> Redirect:
        """A refused delete (live campaign) flashes the reason naming the status (views/errors.py)."""
        await campaigns.delete(campaign.id, owner_id=current_user.id)
        return success_redirect(request, _("Campaign “%(name)s” deleted.") % {"name": campaign.name}, "campaign_list")
