"""GET the campaign page, GET its live progress block, POST an action (start, pause, resume, cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models.accounts.users import CurrentUser
from models.campaigns import actions as campaign_actions
from models.campaigns.live_progress import live_view
from models.campaigns.view import CampaignView, campaign_charts, campaign_view
from models.errors import IllegalTransition
from models.recipients.campaign_table import recipient_page
from scheduler.clock import Clock
from views.campaigns.media import message_preview
from views.guards import requires_login
from views.i18n import _

DONE_MESSAGES = {
    "start": "Campaign started.",
    "pause": "Campaign paused.",
    "resume": "Campaign resumed.",
    "cancel": "Campaign cancelled.",
}


@dataclass
class ActionForm:
    action: str = ""


def chart_labels() -> dict[str, str]:
    return {
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "failed": _("Failed"),
        "funnel": _("Delivery funnel"),
        "per_minute": _("Sends per minute"),
        "empty": _("Nothing sent yet."),
    }


def progress_block(view: CampaignView, notice: str = "") -> Template:
    return Template("partials/campaigns/progress.html", context={"view": view, "notice": notice})


class CampaignDetailPages(Controller):
    path = "/campaigns"
    guards = [requires_login]
    include_in_schema = False

    @get("/{campaign_id:int}", name="campaign_detail")
    async def detail(
        self,
        campaign_id: FromPath[int],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
        status: FromQuery[str] = "",
        search: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        """The whole page; its blocks are the same partials the fragment routes answer with."""
        view = await campaign_view(campaign_id, owner_id=current_user.id, now=clock.now())
        charts = await campaign_charts(view, labels=chart_labels(), timezone=current_user.timezone)
        recipients = await recipient_page(campaign_id, status=status, search=search, page=page)
        context: dict[str, Any] = {"view": view, "charts": charts, "recipients": recipients, "notice": ""}
        context.update(await message_preview(view.campaign, owner_id=current_user.id))
        return Template("campaigns/detail.html", context=context)

    @get("/{campaign_id:int}/progress", name="campaign_progress")
    async def progress(
        self, campaign_id: FromPath[int], current_user: NamedDependency[CurrentUser], clock: NamedDependency[Clock]
    ) -> Template:
        """Polled every 2 s while the campaign is live; rendered without the polling attributes once it is not."""
        return progress_block(await live_view(campaign_id, owner_id=current_user.id, now=clock.now()))

    @post("/{campaign_id:int}/actions", name="campaign_act")
    async def act(
        self,
        request: HTMXRequest,
        campaign_id: FromPath[int],
        data: URLEncodedBody[ActionForm],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        """htmx gets the re-rendered live block (with the refusal inside it); a plain form gets flash + 303."""
        notice = ""
        try:
            await campaign_actions.perform(campaign_id, data.action, owner_id=current_user.id, now=clock.now())
        except IllegalTransition as refused:
            if not request.htmx:
                raise
            notice = refused.message
        if request.htmx:
            return progress_block(await live_view(campaign_id, owner_id=current_user.id, now=clock.now()), notice)
        flash(request, _(DONE_MESSAGES[data.action]), category="success")
        return Redirect(request.app.route_reverse("campaign_detail", campaign_id=campaign_id), status_code=303)
