"""JSON API for campaigns: create (with inline recipients), list, stats, read, update, delete."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from models.accounts.users import CurrentUser
from models.campaigns import editing as campaigns
from models.campaigns import from_lists
from models.campaigns import queries as campaign_queries
from models.campaigns.queries import DEFAULT_LIMIT, CampaignFilter
from scheduler.clock import Clock
from settings import Settings
from views.campaigns.audience import with_lists
from views.guards import requires_login
from views.schemas import CampaignCreate, CampaignUpdate, campaign_json


class CampaignApi(Controller):
    path = "/api/campaigns"
    guards = [requires_login]
    tags = ["campaigns"]

    @post("/", name="api_campaign_create", status_code=201)
    async def create(
        self,
        data: JSONBody[CampaignCreate],
        current_user: NamedDependency[CurrentUser],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """The campaign and its recipients (or lists) in one call; refused recipients leave no campaign behind."""
        campaign, report = await from_lists.create(
            data.as_input(),
            [{"phone": r.phone, "variables": r.variables} for r in data.recipients],
            list_ids=data.list_ids,
            exclude_list_ids=data.exclude_list_ids,
            owner_id=current_user.id,
            now=clock.now(),
            max_rate=settings.max_rate,
            max_recipients=settings.max_recipients,
            default_region=settings.default_region,
        )
        answer = {**await with_lists(campaign), "importReport": report.as_json() if report else None}
        return answer

    @get("/", name="api_campaign_list")
    async def list_(
        self,
        current_user: NamedDependency[CurrentUser],
        status: Annotated[str, QueryParameter()] = "",
        instance_id: Annotated[int | None, QueryParameter(name="instanceId")] = None,
        search: Annotated[str, QueryParameter()] = "",
        sort_by: Annotated[str, QueryParameter(name="sortBy")] = "createdAt",
        sort_order: Annotated[str, QueryParameter(name="sortOrder")] = "desc",
        limit: Annotated[int, QueryParameter()] = DEFAULT_LIMIT,
        offset: Annotated[int, QueryParameter()] = 0,
    ) -> dict[str, Any]:
        query = CampaignFilter(status.upper(), instance_id, search, sort_by, sort_order, limit, offset)
        page = await campaign_queries.list_campaigns(current_user.id, query)
        return {
            "items": [campaign_json(c) for c in page.items],
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
        }

    @get("/stats", name="api_campaign_stats")
    async def stats(self, current_user: NamedDependency[CurrentUser]) -> dict[str, Any]:
        return (await campaign_queries.stats(current_user.id)).as_json()

    @get("/{campaign_id:int}", name="api_campaign_detail")
    async def detail(self, campaign_id: FromPath[int], current_user: NamedDependency[CurrentUser]) -> dict[str, Any]:
        return await with_lists(await campaigns.get(campaign_id, owner_id=current_user.id))

    @put("/{campaign_id:int}", name="api_campaign_update")
    async def update(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[CampaignUpdate],
        current_user: NamedDependency[CurrentUser],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """Fields left out keep their value; 409 unless DRAFT or SCHEDULED."""
        current = await campaigns.get(campaign_id, owner_id=current_user.id)
        updated = await campaigns.update(
            campaign_id,
            data.merged_into(current),
            owner_id=current_user.id,
            now=clock.now(),
            max_rate=settings.max_rate,
        )
        list_ids, exclude_list_ids = data.lists()
        await from_lists.update_lists(
            campaign_id, list_ids=list_ids, exclude_list_ids=exclude_list_ids, owner_id=current_user.id
        )
        return await with_lists(updated)

    @delete("/{campaign_id:int}", name="api_campaign_delete", status_code=204)
    async def delete(self, campaign_id: FromPath[int], current_user: NamedDependency[CurrentUser]) -> Response[None]:
        """204; 409 while SCHEDULED, RUNNING or PAUSED."""
        await campaigns.delete(campaign_id, owner_id=current_user.id)
        return Response(None, status_code=204)
