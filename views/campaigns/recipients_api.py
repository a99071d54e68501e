"""JSON API for a campaign's recipients: import a CSV or XLSX (body or multipart `file`, views/import_api.py) and list
them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.di import Provide
from litestar.params import FromPath, QueryParameter

from models.recipients import MAX_LIMIT, list_recipients
from views.bounds import INT_MAX
from views.campaigns.deps import OWN_CAMPAIGN
from views.campaigns.recipient_upload import campaign_target
from views.deps import SignedInUser
from views.import_api import ImportApi
from views.schemas import CHANGE, ONE, listing_json


class RecipientsApi(ImportApi, name="api_recipients_import", raises=CHANGE):
    path = "/api/campaigns/{campaign_id:int}/recipients"
    tags = ["recipients"]
    dependencies = {**OWN_CAMPAIGN, "target": Provide(campaign_target)}

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
