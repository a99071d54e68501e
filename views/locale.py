"""Which language a request is answered in: the user's setting, else the language cookie (anonymous visitors), else
the browser's Accept-Language, else ARAUTO_DEFAULT_LOCALE; and the switcher that sets it (works without JS)."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie

from litestar import Controller, post
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.params import URLEncodedBody
from litestar.response import Redirect
from litestar.types import ASGIApp, Receive, Scope, Send

from models.accounts import users
from views.deps import AnyRequest
from views.i18n import LOCALES, reset_locale, use_locale

LOCALE_COOKIE = "arauto_locale"
MAX_HEADER = 256  # Accept-Language is untrusted: only its start is read
MAX_ENTRIES = 12


def parse_accept_language(header: str) -> list[str]:
    """Language tags by preference (q), highest first; malformed entries are skipped."""
    weighted: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header[:MAX_HEADER].split(",")[:MAX_ENTRIES]):
        tag, _, params = entry.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:7])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _q, _p, tag in sorted(weighted)]


def match_locale(tag: str) -> str | None:
    """'pt', 'pt-br', 'pt_PT' -> 'pt-BR'; 'en-US' -> 'en'; anything else None."""
    language = tag.replace("_", "-").split("-")[0]
    return {"pt": "pt-BR", "en": "en"}.get(language)


def choose_locale(user_locale: str, cookie: str, accept_language: str, default: str) -> str:
    if user_locale in LOCALES:
        return user_locale
    if cookie in LOCALES:
        return cookie
    for tag in parse_accept_language(accept_language):
        found = match_locale(tag)
        if found:
            return found
    return default if default in LOCALES else LOCALES[0]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(scope: Scope) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie")[:4096])
    except Exception:
        return ""
    morsel = jar.get(LOCALE_COOKIE)
    return morsel.value if morsel else ""


def request_locale(scope: Scope) -> str:
    user = scope.get("user")
    settings = scope["app"].state.settings
    return choose_locale(
        getattr(user, "locale", ""), _cookie(scope), _header(scope, b"accept-language"), settings.default_locale
    )


class LocaleMiddleware(ASGIMiddleware):
    """Sets the request's locale for `_`, Jinja and formatting; installed before and after authentication, so an
    authentication error speaks the browser's language and everything after it the user's."""

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = ("^/static/",)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = use_locale(request_locale(scope))
        # On an exception the locale stays set: Litestar's exception handlers, which run outside this middleware,
        # answer in it (each request runs in its own task's context, so nothing leaks to the next one).
        await next_app(scope, receive, send)
        reset_locale(token)


@dataclass
class LocaleForm:
    locale: str = ""
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only a path on this site (no scheme, no //host) may be the place to go back to."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


class LocaleSwitch(Controller):
    path = "/locale"
    include_in_schema = False

    @post("/", name="locale_switch", status_code=303)
    async def switch(self, request: AnyRequest, data: URLEncodedBody[LocaleForm]) -> Redirect:
        """Remembers the choice in a cookie, and on the signed-in user's account too."""
        locale = data.locale if data.locale in LOCALES else ""
        if locale and request.scope.get("user") is not None:
            await users.set_locale(request.scope["user"].id, locale)
        response = Redirect(_safe_next(data.next), status_code=303)
        if locale:
            settings = request.app.state.settings
            response.set_cookie(
                Cookie(
                    key=LOCALE_COOKIE,
                    value=locale,
                    max_age=365 * 24 * 3600,
                    path="/",
                    samesite="lax",
                    httponly=True,
                    secure=settings.cookies_secure,
                )
            )
        return response
