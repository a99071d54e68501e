"""The Start confirmation (issue 13, item 7): Start on the campaign page leads here, a page that says what will
happen; its button posts the real start to the campaign's actions route. Works without JavaScript. The API's
start stays one call (`POST /api/campaigns/{id}/actions`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request, get
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models.campaigns import lifecycle
from models.campaigns.start_plan import start_plan
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import AppClock
from views.guards import SignedInPages
from views.i18n import N_, _

WAIT_WORDS = {
    "window": N_("the send window"),
    "daily_cap": N_("the numbers' daily caps"),
    "user_daily_limit": N_("your daily limit"),
    "user_monthly_limit": N_("your monthly limit"),
}


def wait_words(waits: Iterable[str]) -> str:
    """What makes a campaign wait on its way, in the request's language: "the send window, the numbers' daily caps"."""
    return ", ".join(_(WAIT_WORDS[w]) for w in WAIT_WORDS if w in set(waits))


class CampaignStartPages(SignedInPages):
    path = "/campaigns"
    dependencies = OWN_CAMPAIGN

    @get("/{campaign_id:int}/start", name="campaign_start")
    async def confirm(
        self, request: Request[Any, Any, Any], campaign: OwnCampaign, clock: AppClock
    ) -> Template | Redirect:
        """What Start will do; a campaign that cannot be started any more goes back to its page."""
        if lifecycle.Action.START not in lifecycle.allowed_actions(campaign.status):
            flash(request, _("This campaign cannot be started now."), category="info")
            return Redirect(request.app.route_reverse("campaign_detail", campaign_id=campaign.id), status_code=303)
        plan = await start_plan(campaign, now=clock.now())
        context = {"plan": plan, "campaign": campaign, "wait_words": wait_words}
        return Template("campaigns/start.html", context=context)
