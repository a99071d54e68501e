"""JSON API for campaigns: create (with inline recipients), list, stats, read, update, delete, act, progress."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from models.campaigns import actions as campaign_actions
from models.campaigns import editing as campaigns
from models.campaigns import from_lists
from models.campaigns import history as campaign_history
from models.campaigns import queries as campaign_queries
from models.campaigns.history import by_user
from models.campaigns.numbers import numbers_by_campaign, numbers_of
from models.campaigns.queries import DEFAULT_LIMIT, MAX_LIMIT, CampaignFilter
from models.campaigns.start_plan import outlook
from models.contacts.audience import set_campaign_lists
from views.bounds import INT_MAX
from views.campaigns.audience import with_lists
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi
from views.i18n import _
from views.schemas import CHANGE, INPUT, ONE, SIGNED_IN, CampaignCreate, CampaignUpdate, campaign_json, listing_json


def history_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": row["at"].isoformat(),
        "action": row["action"],
        "fromStatus": row["from_status"],
        "toStatus": row["to_status"],
        "actor": row["actor"],
        "source": row["source"],
        "reason": row["reason"],
    }


class ActionBody(msgspec.Struct, forbid_unknown_fields=True):
    action: str


class CampaignApi(SignedInApi):
    path = "/api/campaigns"
    tags = ["campaigns"]
    dependencies = OWN_CAMPAIGN

    @post("/", name="api_campaign_create", raises=ONE, status_code=201)
    async def create(
        self, data: JSONBody[CampaignCreate], current_user: SignedInUser, settings: AppSettings, clock: AppClock
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
        answer = {**await with_lists(campaign), "importReport": report.as_json(_) if report else None}
        return answer

    @get("/", name="api_campaign_list", raises=INPUT)
    async def list_(
        self,
        current_user: SignedInUser,
        status: Annotated[str, QueryParameter()] = "",
        instance_id: Annotated[int | None, QueryParameter(name="instanceId", ge=1, le=INT_MAX)] = None,
        search: Annotated[str, QueryParameter()] = "",
        sort_by: Annotated[str, QueryParameter(name="sortBy")] = "createdAt",
        sort_order: Annotated[str, QueryParameter(name="sortOrder")] = "desc",
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int, QueryParameter(ge=0, le=INT_MAX)] = 0,
    ) -> dict[str, Any]:
        query = CampaignFilter(status.upper(), instance_id, search, sort_by, sort_order, limit, offset)
        page = await campaign_queries.list_campaigns(current_user.id, query)
        numbers = await numbers_by_campaign(page.items)
        items = [campaign_json(c, numbers.get(c.id)) for c in page.items]
        return listing_json(items, page.total, limit=page.limit, offset=page.offset)

    @get("/stats", name="api_campaign_stats", raises=SIGNED_IN)
    async def stats(self, current_user: SignedInUser) -> dict[str, Any]:
        return (await campaign_queries.stats(current_user.id)).as_json()

    @get("/{campaign_id:int}", name="api_campaign_detail", raises=ONE)
    async def detail(self, campaign: OwnCampaign, clock: AppClock) -> dict[str, Any]:
        """`waitingReason` and `waitingUntil` say why a RUNNING campaign cannot send now, and until when; whether its
        messages fit what is left of the owner's daily and monthly allowance, and when it should finish
        (`estimatedCompletionAt`: running, or as if started now; null when paused or done)."""
        ahead = await outlook(campaign, now=clock.now())
        return {**await with_lists(campaign, clock.now()), **ahead.as_json()}

    @put("/{campaign_id:int}", name="api_campaign_update", raises=CHANGE)
    async def update(
        self,
        campaign: OwnCampaign,
        data: JSONBody[CampaignUpdate],
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
    ) -> dict[str, Any]:
        """Fields left out keep their value; 409 unless DRAFT or SCHEDULED (PAUSED: message, rateLimit and pacing).
        The lists are checked first: a refused list leaves the other fields as they were."""
        list_ids, exclude_list_ids = data.lists()
        chosen = await from_lists.checked_lists(
            campaign.id, list_ids=list_ids, exclude_list_ids=exclude_list_ids, owner_id=current_user.id
        )
        updated = await campaigns.update(
            campaign.id,
            data.merged_into(campaign),
            owner_id=current_user.id,
            now=clock.now(),
            max_rate=settings.max_rate,
            who=by_user(current_user.email, current_user.token_name, "api"),
        )
        if chosen is not None:
            await set_campaign_lists(campaign.id, include=chosen[0], exclude=chosen[1], owner_id=current_user.id)
        return await with_lists(updated)

    @delete("/{campaign_id:int}", name="api_campaign_delete", raises=CHANGE, status_code=204)
    async def delete(self, campaign_id: FromPath[int], current_user: SignedInUser) -> None:
        """204; 409 while SCHEDULED, RUNNING or PAUSED."""
        await campaigns.delete(campaign_id, owner_id=current_user.id)

    @post("/{campaign_id:int}/actions", name="api_campaign_act", raises=CHANGE, status_code=200)
    async def act(
        self, campaign: OwnCampaign, data: JSONBody[ActionBody], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        """409 when the status refuses the action, 404 when missing or not yours, 400 for an unknown action."""
        who = by_user(current_user.email, current_user.token_name, "api")
        updated = await campaign_actions.perform(
            campaign.id, data.action, owner_id=current_user.id, now=clock.now(), who=who
        )
        return campaign_json(updated, await numbers_of(updated))

    @get("/{campaign_id:int}/history", name="api_campaign_history", raises=ONE)
    async def history(self, campaign: OwnCampaign) -> list[dict[str, Any]]:
        """Every start, pause, resume, cancel, edit and retry, oldest first: who or what did it, from where, when."""
        return [history_json(row) for row in await campaign_history.entries(campaign.id)]

    @get("/{campaign_id:int}/progress", name="api_campaign_progress", raises=ONE)
    async def progress(self, campaign: OwnCampaign, current_user: SignedInUser, clock: AppClock) -> dict[str, Any]:
        """Percent, counters, current rate (msg/min over the last minute), effective rate (and what limits it), ETA."""
        result = await campaign_actions.own_progress(campaign.id, owner_id=current_user.id, now=clock.now())
        return result.as_json()
