"""Who the API caller is: a cheap way for a script to test its token; and the caller's own settings (language)."""

from __future__ import annotations

import msgspec
from litestar import get, patch, post
from litestar.params import JSONBody

from models.accounts import users
from models.accounts.users import CurrentUser
from views.deps import SignedInUser
from views.guards import SignedInApi
from views.schemas import INPUT, SIGNED_IN


class AccountUpdate(msgspec.Struct, forbid_unknown_fields=True):
    locale: str | None = None


def whoami_json(user: CurrentUser) -> dict[str, object]:
    return {"id": user.id, "email": user.email, "isAdmin": user.is_admin, "locale": user.locale or None}


class AccountApi(SignedInApi):
    path = "/api/whoami"
    tags = ["account"]

    @get("/", name="api_whoami", raises=SIGNED_IN)
    async def whoami(self, current_user: SignedInUser) -> dict[str, object]:
        return whoami_json(current_user)

    @patch("/", name="api_whoami_update", raises=INPUT)
    async def update(self, current_user: SignedInUser, data: JSONBody[AccountUpdate]) -> dict[str, object]:
        """Changes the caller's own settings: `locale` (pt-BR or en) picks the language of pages and API errors."""
        if data.locale is not None:
            await users.set_locale(current_user.id, data.locale)
        updated = await users.get_user(current_user.id)
        assert updated is not None
        return whoami_json(updated)

    @post("/", name="api_whoami_ping", raises=SIGNED_IN, status_code=200)
    async def ping(self, current_user: SignedInUser) -> dict[str, object]:
        """An unsafe no-op: proves a session cookie alone cannot change things through the API."""
        return {"id": current_user.id}
