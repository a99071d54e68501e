"""Opt-outs page: list, search, pages, add and remove by hand, CSV export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Stream, Template

from models.errors import ValidationFailed
from models.inbound import optouts
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.redirects import success_redirect


@dataclass
class OptOutForm:
    phone: str = ""
    note: str = ""


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


class OptOutPages(SignedInPages):
    path = "/opt-outs"

    @get("/", name="optout_list")
    async def list_(
        self, current_user: SignedInUser, search: FromQuery[str] = "", page: FromQuery[int] = 1
    ) -> Template:
        listing = await optouts.opt_out_page(current_user.id, search=search, page=page)
        return Template("optouts/list.html", context={"listing": listing, "form": OptOutForm(), "errors": {}})

    @post("/", name="optout_create")
    async def create(
        self,
        request: AnyRequest,
        data: URLEncodedBody[OptOutForm],
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
    ) -> Template | Redirect:
        """A bad or duplicate number re-renders the form (422) with the reason beside the field."""
        try:
            row = await optouts.add_opt_out(
                current_user.id, data.phone, region=settings.default_region, note=data.note, now=clock.now()
            )
        except ValidationFailed as invalid:
            listing = await optouts.opt_out_page(current_user.id)
            context = {"listing": listing, "form": data, "errors": invalid.errors}
            return Template("optouts/list.html", context=context, status_code=422)
        return success_redirect(
            request, _("+%(phone)s will not be contacted again.") % {"phone": row.phone}, "optout_list"
        )

    @post("/{opt_out_id:int}/delete", name="optout_delete")
    async def delete(self, request: AnyRequest, opt_out_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        phone = await optouts.remove_opt_out(current_user.id, opt_out_id)
        return success_redirect(
            request, _("+%(phone)s removed from the opt-out list.") % {"phone": phone}, "optout_list"
        )

    @get("/export.csv", name="optout_export")
    async def export(self, current_user: SignedInUser) -> Stream:
        return Stream(
            _encoded(optouts.export_opt_outs(current_user.id, timezone=current_user.timezone)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="opt-outs.csv"'},
        )
