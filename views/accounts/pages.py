"""The signed-in user's account page: settings (time zone, alert webhook), usage against the limits, API tokens and
the password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models.accounts import alerts, profile, users
from models.errors import ValidationFailed
from views.accounts.new_password import mismatch
from views.deps import AnyRequest, AppClock, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.redirects import success_redirect
from views.security import sign_in


@dataclass
class TokenForm:
    name: str = ""


@dataclass
class PasswordForm:
    current_password: str = ""
    new_password: str = ""
    new_password_confirm: str = ""


@dataclass
class SettingsForm:
    timezone: str = ""
    alert_webhook_url: str = ""


async def _page(
    user_id: int, now: datetime, *, errors: dict[str, str] | None = None, status_code: int = 200, new_token: str = ""
) -> Template:
    """The account page: settings, usage against the limits, API tokens and the password."""
    today, this_month = await profile.limit_usage(user_id, now=now)
    context = {
        "tokens": await users.list_api_tokens(user_id),
        "new_token": new_token or None,
        "errors": errors or {},
        "profile": await profile.get_profile(user_id),
        "today": today,
        "this_month": this_month,
        "alerts": await alerts.recent(user_id),
    }
    return Template("accounts/detail.html", context=context, status_code=status_code)


class AccountPages(SignedInPages):
    path = "/account"

    @get("/", name="account")
    async def detail(self, current_user: SignedInUser, clock: AppClock) -> Template:
        return await _page(current_user.id, clock.now())

    @post("/settings", name="account_settings")
    async def save_settings(
        self, request: AnyRequest, current_user: SignedInUser, data: URLEncodedBody[SettingsForm], clock: AppClock
    ) -> Template | Redirect:
        try:
            await profile.update_own(current_user.id, timezone=data.timezone, alert_webhook_url=data.alert_webhook_url)
        except ValidationFailed as exc:
            return await _page(current_user.id, clock.now(), errors=exc.errors, status_code=422)
        return success_redirect(request, _("Settings saved."), "account")

    @post("/password", name="account_password")
    async def change_password(
        self, request: AnyRequest, current_user: SignedInUser, data: URLEncodedBody[PasswordForm], clock: AppClock
    ) -> Template | Redirect:
        """Every session of the user ends (other browsers are signed out); this browser gets a fresh one."""
        if errors := mismatch(data.new_password, data.new_password_confirm, "new_password_confirm"):
            return await _page(current_user.id, clock.now(), errors=errors, status_code=422)
        try:
            await users.change_password(current_user.id, data.current_password, data.new_password)
        except ValidationFailed as exc:
            return await _page(current_user.id, clock.now(), errors=exc.errors, status_code=422)
        await sign_in(request, current_user)
        return success_redirect(request, _("Password changed. Every other browser was signed out."), "account")

    @post("/tokens", name="account_token_create")
    async def create_token(
        self, current_user: SignedInUser, data: URLEncodedBody[TokenForm], clock: AppClock
    ) -> Template:
        """The token is shown on this answer only; it is stored hashed."""
        token = await users.create_api_token(current_user.id, data.name, now=clock.now())
        return await _page(current_user.id, clock.now(), status_code=201, new_token=token)

    @post("/tokens/{token_id:int}/delete", name="account_token_delete")
    async def delete_token(self, request: AnyRequest, current_user: SignedInUser, token_id: FromPath[int]) -> Redirect:
        if await users.revoke_api_token(current_user.id, token_id):
            flash(request, _("Token revoked."), category="success")
        return Redirect("/account", status_code=303)
