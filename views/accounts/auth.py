"""Log in, log out, and the one-time setup link that creates the first account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models.accounts import sessions, throttle, users
from models.errors import ValidationFailed
from views.accounts.new_password import NewPassword
from views.deps import AnyRequest, AppClock, AppSettings
from views.i18n import _
from views.redirects import success_redirect
from views.security import local_path, sign_in, sign_out


@dataclass
class LoginForm:
    email: str = ""
    password: str = ""
    next: str = ""


@dataclass
class SetupForm(NewPassword):
    email: str = ""


def client_address(request: AnyRequest) -> str:
    return request.client.host if request.client else "unknown"


class AuthPages(Controller):
    include_in_schema = False

    @get("/login", name="login")
    async def login_page(
        self, request: AnyRequest, next_: Annotated[str, QueryParameter(name="next")] = "/campaigns"
    ) -> Template | Redirect:
        if request.user is not None:
            return Redirect(local_path(next_), status_code=303)
        return Template("accounts/login.html", context={"form": LoginForm(next=local_path(next_)), "error": ""})

    @post("/login", name="login_submit")
    async def login(
        self, request: AnyRequest, data: URLEncodedBody[LoginForm], settings: AppSettings, clock: AppClock
    ) -> Template | Redirect:
        """Count the attempt first (atomically, per e-mail and per address), then check the password off the loop."""
        now, address, email = clock.now(), client_address(request), users.normalise_email(data.email)
        limits = throttle.Limits(
            per_email=settings.login_max_failures,
            per_address=settings.login_max_address_failures,
            window=timedelta(seconds=settings.login_window_seconds),
        )
        wait = await throttle.count_attempt(email, address, now=now, limits=limits)
        if wait:
            minutes = max(1, round(wait / 60))
            message = _("Too many failed attempts. Try again in %(minutes)s minute(s).") % {"minutes": minutes}
            return self._login_error(data, message, 429, {"Retry-After": str(wait)})
        user = await users.authenticate(data.email, data.password)
        if user is None:
            return self._login_error(data, _("Wrong e-mail or password."), 400)
        await throttle.forget_success(email, address, now=now, window=limits.window)
        await sessions.purge_idle_sessions(now=now, idle=timedelta(minutes=settings.session_idle_minutes))
        await sign_in(request, user)
        return Redirect(local_path(data.next or "/campaigns"), status_code=303)

    @staticmethod
    def _login_error(data: LoginForm, message: str, status: int, headers: dict[str, str] | None = None) -> Template:
        form = LoginForm(email=data.email, next=local_path(data.next or "/campaigns"))
        return Template(
            "accounts/login.html", context={"form": form, "error": message}, status_code=status, headers=headers
        )

    @post("/logout", name="logout")
    async def logout(self, request: AnyRequest) -> Redirect:
        await sign_out(request)  # the server-side session ends; the cookie starts empty (but for the flash below)
        flash(request, _("You are signed out."), category="info")
        return Redirect("/login", status_code=303)

    @get("/setup/{token:str}", name="setup")
    async def setup_page(self, token: FromPath[str]) -> Template:
        valid = await users.setup_token_valid(token)
        return Template(
            "accounts/setup.html",
            context={"token": token, "valid": valid, "form": SetupForm(), "errors": {}},
            status_code=200 if valid else 404,
        )

    @post("/setup/{token:str}", name="setup_submit")
    async def setup(
        self,
        request: AnyRequest,
        token: FromPath[str],
        data: URLEncodedBody[SetupForm],
        settings: AppSettings,
        clock: AppClock,
    ) -> Template | Redirect:
        errors = data.mismatch()
        if not errors:
            try:
                user = await users.complete_setup(
                    token, data.email, data.password, now=clock.now(), timezone=settings.default_timezone
                )
            except ValidationFailed as exc:
                errors = exc.errors
        if errors:
            valid = await users.setup_token_valid(token)
            form = SetupForm(email=data.email)
            context = {"token": token, "valid": valid, "form": form, "errors": errors}
            return Template("accounts/setup.html", context=context, status_code=422 if valid else 404)
        await request.app.state.on_first_user(user, request.app.state)
        await sign_in(request, user)
        return success_redirect(request, _("Welcome! Your administrator account is ready."), "campaign_list")
