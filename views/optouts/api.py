"""Opt-outs over the JSON API (the page's operations, for CRMs that sync their own unsubscribe lists)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from models.inbound import optouts
from models.tables import OptOut
from views.bounds import INT_MAX
from views.deps import AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi
from views.schemas import INPUT, ONE, listing_json


class OptOutIn(msgspec.Struct, forbid_unknown_fields=True):
    phone: str
    note: str = ""


def as_json(row: OptOut) -> dict[str, Any]:
    return {"id": row.id, "phone": row.phone, "source": row.source, "note": row.note, "createdAt": row.created_at}


class OptOutApi(SignedInApi):
    path = "/api/opt-outs"
    tags = ["opt-outs"]

    @get("/", name="api_optout_list", raises=INPUT)
    async def list_(
        self,
        current_user: SignedInUser,
        search: FromQuery[str] = "",
        page: Annotated[int, QueryParameter(ge=1, le=INT_MAX)] = 1,
    ) -> dict[str, Any]:
        listing = await optouts.opt_out_page(current_user.id, search=search, page=page)
        return listing_json(
            [as_json(row) for row in listing.rows], listing.total, page=listing.page, pages=listing.pages
        )

    @post("/", name="api_optout_create", raises=INPUT)
    async def create(
        self, data: JSONBody[OptOutIn], current_user: SignedInUser, settings: AppSettings, clock: AppClock
    ) -> dict[str, Any]:
        """201 with the stored number; 400 with the `phone` field's reason when invalid or already there."""
        row = await optouts.add_opt_out(
            current_user.id, data.phone, region=settings.default_region, note=data.note, now=clock.now()
        )
        return as_json(row)

    @delete("/{opt_out_id:int}", name="api_optout_delete", raises=ONE)
    async def delete(self, opt_out_id: FromPath[int], current_user: SignedInUser) -> None:
        await optouts.remove_opt_out(current_user.id, opt_out_id)
