"""A campaign's audience before Start (the panel and `GET /api/campaigns/{id}/audience`), and duplicating a
campaign (the page's button and `POST /api/campaigns/{id}/duplicate`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_201_CREATED

from models.campaigns import editing, from_lists, lifecycle
from models.campaigns.duplicate import duplicate
from models.campaigns.numbers import numbers_of
from models.campaigns.view import held
from models.contacts import audience
from models.contacts.lists import list_lists
from models.tables import Campaign
from views.bounds import INT_MAX
from views.deps import AnyRequest, AppClock, SignedInUser
from views.guards import SignedInApi, SignedInPages
from views.i18n import _
from views.redirects import success_redirect
from views.schemas import ONE, campaign_json

PANEL_NUMBERS = 50
Limit = Annotated[int, QueryParameter(name="limit", ge=1, le=audience.MAX_LIMIT)]
Offset = Annotated[int, QueryParameter(name="offset", ge=0, le=INT_MAX)]


async def with_lists(campaign: Campaign, now: datetime | None = None) -> dict[str, Any]:
    """The campaign's JSON with the lists it sends to and leaves out; given `now`, with why it waits (if it does)."""
    lists = audience.lists_json(*await audience.campaign_lists(campaign.id))
    waits = (await held(campaign, now)).as_json() if now is not None else {}
    return {**campaign_json(campaign, await numbers_of(campaign)), **lists, **waits}


def category_labels() -> dict[str, str]:
    return {
        "listed": _("Listed"),
        "duplicates": _("Duplicates"),
        "optedOut": _("Opted out"),
        "excluded": _("In an exclusion list"),
        "notOnWhatsapp": _("Not on WhatsApp"),
        "frequencyCapped": _("Messaged too recently"),
        "willReceive": _("Will receive"),
    }


async def panel_context(campaign_id: int, owner_id: int, offset: int = 0) -> dict[str, Any]:
    campaign = await editing.get(campaign_id, owner_id=owner_id)
    found = await audience.preview(campaign_id, owner_id=owner_id, status=campaign.status)
    include, exclude = await audience.campaign_lists(campaign_id)
    every = await list_lists(owner_id=owner_id)
    names = {item.id: item.name for item in every}
    return {
        "campaign": campaign,
        "audience": found.as_json(limit=PANEL_NUMBERS, offset=offset),
        "labels": category_labels(),
        "lists": [names[i] for i in include if i in names],
        "excluded_lists": [names[i] for i in exclude if i in names],
        "all_lists": every,
        "include_ids": include,
        "exclude_ids": exclude,
        "can_edit_lists": lifecycle.can_edit(campaign.status),
        "page_size": PANEL_NUMBERS,
    }


def _ids(values: list[Any]) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


class CampaignAudiencePages(SignedInPages):
    path = "/campaigns/{campaign_id:int}"

    @get("/audience", name="campaign_audience")
    async def page(self, campaign_id: FromPath[int], current_user: SignedInUser, offset: Offset = 0) -> Template:
        """The audience on its own page (the panel's "more" links, and pages without JavaScript)."""
        context = await panel_context(campaign_id, current_user.id, offset)
        return Template("campaigns/audience.html", context=context)

    @get("/audience/panel", name="campaign_audience_panel")
    async def panel(self, campaign_id: FromPath[int], current_user: SignedInUser) -> Template:
        """The panel the campaign page loads: who will receive it and who is left out, and why."""
        context = await panel_context(campaign_id, current_user.id)
        return Template("partials/campaigns/audience.html", context=context)

    @post("/lists", name="campaign_lists")
    async def lists(self, request: AnyRequest, campaign_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        """The lists the campaign sends to and leaves out (the panel's form; DRAFT or SCHEDULED only)."""
        form = await request.form()
        await from_lists.update_lists(
            campaign_id,
            list_ids=_ids(form.getall("list_ids", [])),
            exclude_list_ids=_ids(form.getall("exclude_list_ids", [])),
            owner_id=current_user.id,
        )
        return success_redirect(request, _("Lists saved."), "campaign_detail", campaign_id=campaign_id)

    @post("/duplicate", name="campaign_duplicate")
    async def duplicate(
        self, request: AnyRequest, campaign_id: FromPath[int], current_user: SignedInUser, clock: AppClock
    ) -> Redirect:
        """A new DRAFT copy; the user lands on its page to edit and start it."""
        copy = await duplicate(campaign_id, owner_id=current_user.id, now=clock.now())
        return success_redirect(
            request, _("Campaign duplicated: this is the copy, a draft."), "campaign_detail", campaign_id=copy.id
        )


class CampaignAudienceApi(SignedInApi):
    path = "/api/campaigns/{campaign_id:int}"
    tags = ["campaigns"]

    @get("/audience", name="api_campaign_audience", raises=ONE)
    async def audience(
        self, campaign_id: FromPath[int], current_user: SignedInUser, limit: Limit = 100, offset: Offset = 0
    ) -> dict[str, Any]:
        """What Start will do: the counts per category, and one page (`limit`, `offset`) of each one's numbers."""
        campaign = await editing.get(campaign_id, owner_id=current_user.id)
        found = await audience.preview(campaign_id, owner_id=current_user.id, status=campaign.status)
        return found.as_json(limit=limit, offset=offset)

    @post("/duplicate", name="api_campaign_duplicate", raises=ONE, status_code=HTTP_201_CREATED)
    async def duplicate(
        self, campaign_id: FromPath[int], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        """A new DRAFT with the same message, media, instance, pacing and lists; none of the recipients' states."""
        return await with_lists(await duplicate(campaign_id, owner_id=current_user.id, now=clock.now()))
