"""The recipients table fragment (filter, search, pages) and "retry failed"."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from models.campaigns.history import by_user
from models.recipients.campaign_table import recipient_page, retry_failed
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import AnyRequest, AppClock, SignedInUser
from views.guards import SignedInPages
from views.i18n import ngettext
from views.redirects import success_redirect


class CampaignRecipientPages(SignedInPages):
    path = "/campaigns/{campaign_id:int}/recipients"
    dependencies = OWN_CAMPAIGN

    @get("/rows", name="recipient_rows")
    async def rows(
        self, campaign: OwnCampaign, status: FromQuery[str] = "", search: FromQuery[str] = "", page: FromQuery[int] = 1
    ) -> Template:
        """The table alone, for htmx filtering and paging (the page includes the same partial)."""
        recipients = await recipient_page(
            campaign.id, status=status, search=search, page=page, total=campaign.total_recipients
        )
        return Template(
            "partials/campaigns/recipients/table.html", context={"campaign": campaign, "recipients": recipients}
        )

    @post("/retry", name="recipient_retry")
    async def retry(
        self, request: AnyRequest, campaign_id: FromPath[int], current_user: SignedInUser, clock: AppClock
    ) -> Redirect:
        """Failed recipients back to PENDING; the campaign waits paused until the user resumes it (a full reload:
        the retry offer, the counters and the table all change)."""
        who = by_user(current_user.email, current_user.token_name, "page")
        moved = await retry_failed(campaign_id, owner_id=current_user.id, now=clock.now(), who=who)
        message = ngettext(
            "%(n)d failed recipient will be retried: press resume.",
            "%(n)d failed recipients will be retried: press resume.",
            moved,
        ) % {"n": moved}
        return success_redirect(request, message, "campaign_detail", campaign_id=campaign_id)
