"""The front door and a health check."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Redirect


class HomePages(Controller):
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Redirect:
        return Redirect("/campaigns", status_code=303)

    @get("/healthz", name="healthz")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}
