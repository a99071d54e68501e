"""JSON API for a campaign's recipients: import a CSV or XLSX (body or multipart `file`) and list them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from models.recipients import MAX_LIMIT, ImportOptions, import_csv, list_recipients
from views.bounds import INT_MAX
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi
from views.i18n import _
from views.schemas import CHANGE, ONE, listing_json
from views.uploads import import_route, spooled_upload


class RecipientsApi(SignedInApi):
    path = "/api/campaigns/{campaign_id:int}/recipients"
    tags = ["recipients"]

    @import_route("/", name="api_recipients_import", raises=CHANGE)
    async def import_(
        self,
        request: AnyRequest,
        campaign_id: FromPath[int],
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
        import_options: NamedDependency[ImportOptions],
    ) -> dict[str, Any]:
        """Import a CSV or XLSX into the campaign; the answer is the import report (what went in, what was left out)."""
        async with spooled_upload(request) as path:
            report = await import_csv(
                campaign_id, path, import_options, owner_id=current_user.id, settings=settings, now=clock.now()
            )
        return report.as_json(_)

    @get("/", name="api_recipients_list", raises=ONE)
    async def list_(
        self,
        campaign_id: FromPath[int],
        current_user: SignedInUser,
        status: Annotated[str | None, QueryParameter(name="status")] = None,
        search: Annotated[str, QueryParameter(name="search")] = "",
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0, le=INT_MAX)] = 0,
    ) -> dict[str, Any]:
        """One page of recipients with their delivery state, and how many match in all."""
        page = await list_recipients(
            campaign_id, owner_id=current_user.id, status=status, search=search, limit=limit, offset=offset
        )
        return listing_json([item.as_json() for item in page.items], page.total, limit=limit, offset=offset)
