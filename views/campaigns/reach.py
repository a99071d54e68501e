"""Reach blocks of the campaign page: "Check numbers" before Start (POST asks for the pre-check now, GET is its
progress block, polled while it runs; the checking itself is the sender's, scheduler/precheck.py) and the
campaign's numbers (each one's sends, failures and state, and their outages), polled while the campaign is live."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models import sending
from models.campaigns.number_view import numbers_view
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.redirects import success_redirect

PARTIAL = "partials/campaigns/number_check.html"


class CampaignReachPages(SignedInPages):
    path = "/campaigns"
    dependencies = OWN_CAMPAIGN

    @get("/{campaign_id:int}/numbers", name="campaign_numbers")
    async def numbers(self, campaign: OwnCampaign) -> Template:
        """The numbers block alone, for its own poll."""
        view = await numbers_view(campaign)
        return Template("partials/campaigns/numbers.html", context={"numbers": view, "campaign": campaign})

    @get("/{campaign_id:int}/number-check", name="campaign_number_check")
    async def progress(self, campaign_id: FromPath[int], current_user: SignedInUser) -> Template:
        """The block alone, for its own poll."""
        check = await sending.check_progress(campaign_id, owner_id=current_user.id)
        return Template(PARTIAL, context={"check": check})

    @post("/{campaign_id:int}/number-check", name="campaign_check_numbers")
    async def request_check(
        self, request: HTMXRequest, campaign_id: FromPath[int], current_user: SignedInUser
    ) -> Template | Redirect:
        """htmx gets the block (now polling); a plain form gets a flash and the campaign page again."""
        check = await sending.request_check(campaign_id, owner_id=current_user.id)
        if request.htmx:
            return Template(PARTIAL, context={"check": check})
        return success_redirect(
            request, _("Checking the numbers on WhatsApp."), "campaign_detail", campaign_id=campaign_id
        )
