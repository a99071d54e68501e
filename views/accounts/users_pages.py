"""Admin pages under /users, and the page a new user opens from their one-time link to set a password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from models.accounts import admin, password_links
from models.errors import ValidationFailed
from views.accounts.new_password import NewPassword
from views.accounts.users_api import link_url
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.guards import AdminPages
from views.i18n import _
from views.redirects import success_redirect
from views.security import sign_in


@dataclass
class UserForm:
    """The admin's form: empty limits mean unlimited; checkboxes arrive only when ticked."""

    email: str = ""
    is_admin: str = ""
    active: str = ""
    daily_limit: str = ""
    monthly_limit: str = ""
    locale: str = ""  # the browser's language
    timezone: str = "UTC"

    def profile(self) -> dict[str, Any]:
        return {**{name: getattr(self, name) for name in admin.PROFILE}, "timezone": self.timezone.strip()}


def _list(
    users: list[admin.UserRecord], form: UserForm, *, errors: dict[str, str], link: str = "", status: int = 200
) -> Template:
    context = {"users": users, "form": form, "errors": errors, "new_link": link, "locales": admin.LOCALES}
    return Template("accounts/users.html", context=context, status_code=status)


class UserPages(AdminPages):
    path = "/users"

    @get("/", name="user_list")
    async def list_(self, settings: AppSettings) -> Template:
        return _list(await admin.list_users(), UserForm(timezone=settings.default_timezone), errors={})

    @post("/", name="user_create")
    async def create(self, data: URLEncodedBody[UserForm], settings: AppSettings, clock: AppClock) -> Template:
        """The one-time link is shown on this answer only."""
        try:
            _user, token = await password_links.invite_user(
                data.email, data.profile(), admin=bool(data.is_admin), now=clock.now()
            )
        except ValidationFailed as exc:
            return _list(await admin.list_users(), data, errors=exc.errors, status=422)
        form = UserForm(timezone=settings.default_timezone)
        return _list(await admin.list_users(), form, errors={}, link=link_url(settings, token), status=201)

    @get("/{user_id:int}", name="user_detail")
    async def detail(self, user_id: FromPath[int]) -> Template:
        return await self._detail(user_id, errors={})

    @staticmethod
    async def _detail(user_id: int, *, errors: dict[str, str], link: str = "", status: int = 200) -> Template:
        user = await admin.get_record(user_id)
        context = {"user": user, "errors": errors, "new_link": link, "locales": admin.LOCALES}
        return Template("accounts/user.html", context=context, status_code=status)

    @post("/{user_id:int}", name="user_update")
    async def update(
        self,
        request: AnyRequest,
        user_id: FromPath[int],
        data: URLEncodedBody[UserForm],
        current_user: SignedInUser,
        clock: AppClock,
    ) -> Template | Redirect:
        changes = {**data.profile(), "is_admin": bool(data.is_admin), "active": bool(data.active)}
        try:
            await admin.update_user(
                user_id,
                changes,
                acting_admin_id=current_user.id,
                acting_admin_email=current_user.email,
                now=clock.now(),
            )
        except ValidationFailed as exc:
            return await self._detail(user_id, errors=exc.errors, status=422)
        return success_redirect(request, _("User updated."), "user_detail", user_id=user_id)

    @post("/{user_id:int}/link", name="user_link")
    async def new_link(self, user_id: FromPath[int], settings: AppSettings, clock: AppClock) -> Template:
        """A fresh one-time link (older ones stop working), e.g. for a user who forgot their password."""
        await admin.get_record(user_id)
        token = await password_links.issue_link(user_id, now=clock.now())
        return await self._detail(user_id, errors={}, link=link_url(settings, token), status=201)


class PasswordLinkPages(Controller):
    path = "/set-password"
    include_in_schema = False

    @get("/{token:str}", name="password_link")
    async def page(self, token: FromPath[str], clock: AppClock) -> Template:
        email = await password_links.link_email(token, now=clock.now())
        return self._page(token, email, errors={}, status=200 if email else 404)

    @staticmethod
    def _page(token: str, email: str | None, *, errors: dict[str, str], status: int) -> Template:
        context = {"token": token, "email": email, "errors": errors}
        return Template("accounts/set_password.html", context=context, status_code=status)

    @post("/{token:str}", name="password_link_submit")
    async def submit(
        self, request: AnyRequest, token: FromPath[str], data: URLEncodedBody[NewPassword], clock: AppClock
    ) -> Template | Redirect:
        now = clock.now()
        email = await password_links.link_email(token, now=now)
        if email is None:
            return self._page(token, None, errors={}, status=404)
        if errors := data.mismatch():
            return self._page(token, email, errors=errors, status=422)
        try:
            user = await password_links.use_link(token, data.password, now=now)
        except ValidationFailed as exc:
            return self._page(token, email, errors=exc.errors, status=422)
        await sign_in(request, user)
        return success_redirect(request, _("Your password is set. Welcome!"), "campaign_list")


__all__ = ["PasswordLinkPages", "UserPages"]
