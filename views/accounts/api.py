"""Who the API caller is: a cheap way for a script to test its token."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency

from models.accounts.users import CurrentUser
from views.guards import requires_login
from views.schemas import SIGNED_IN


class AccountApi(Controller):
    path = "/api/whoami"
    guards = [requires_login]
    tags = ["account"]

    @get("/", name="api_whoami", raises=SIGNED_IN)
    async def whoami(self, current_user: NamedDependency[CurrentUser]) -> dict[str, object]:
        return {"id": current_user.id, "email": current_user.email, "isAdmin": current_user.is_admin}

    @post("/", name="api_whoami_ping", raises=SIGNED_IN, status_code=200)
    async def ping(self, current_user: NamedDependency[CurrentUser]) -> dict[str, object]:
        """An unsafe no-op: proves a session cookie alone cannot change things through the API."""
        return {"id": current_user.id}
