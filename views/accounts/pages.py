"""The signed-in user's account page: API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models.accounts import users
from models.accounts.users import CurrentUser
from scheduler.clock import Clock
from views.guards import SignedInPages
from views.i18n import _


@dataclass
class TokenForm:
    name: str = ""


class AccountPages(SignedInPages):
    path = "/account"

    @get("/", name="account")
    async def detail(self, current_user: NamedDependency[CurrentUser]) -> Template:
        tokens = await users.list_api_tokens(current_user.id)
        return Template("accounts/detail.html", context={"tokens": tokens, "new_token": None})

    @post("/tokens", name="account_token_create")
    async def create_token(
        self,
        current_user: NamedDependency[CurrentUser],
        data: URLEncodedBody[TokenForm],
        clock: NamedDependency[Clock],
    ) -> Template:
        """The token is shown on this answer only; it is stored hashed."""
        token = await users.create_api_token(current_user.id, data.name, now=clock.now())
        tokens = await users.list_api_tokens(current_user.id)
        return Template("accounts/detail.html", context={"tokens": tokens, "new_token": token}, status_code=201)

    @post("/tokens/{token_id:int}/delete", name="account_token_delete")
    async def delete_token(
        self, request: Request[Any, Any, Any], current_user: NamedDependency[CurrentUser], token_id: FromPath[int]
    ) -> Redirect:
        if await users.revoke_api_token(current_user.id, token_id):
            flash(request, _("Token revoked."), category="success")
        return Redirect("/account", status_code=303)
