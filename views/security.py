"""Who is asking: a Bearer API token or the browser session (a server-side session row named by the encrypted
cookie); the session and CSRF cookies' settings; redirects that stay on this site."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig

from models.accounts import sessions, users
from settings import Settings
from views.csrf import SESSION_KEY
from views.deps import kept_in_app
from views.i18n import N_

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_MAX_AGE = 14 * 24 * 3600
MAX_REDIRECT_LENGTH = 2000


def local_path(target: str, fallback: str = "/campaigns") -> str:
    """`target` if it is a path on this site, else `fallback`: a redirect must never send the user to another host
    (`//host`, `/\\host` and control characters, which browsers strip, all lead elsewhere)."""
    if (
        not target.startswith("/")
        or target.startswith("//")
        or len(target) > MAX_REDIRECT_LENGTH
        or "\\" in target
        or any(ord(char) < 33 or ord(char) == 127 for char in target)
    ):
        return fallback
    return target


def referer_path(connection: ASGIConnection[Any, Any, Any, Any], fallback: str) -> str:
    """The page the request came from, as a local path, when it is a page of this site; else `fallback`."""
    referer = connection.headers.get("referer", "")[:MAX_REDIRECT_LENGTH]
    parts = urlsplit(referer)
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https"} or parts.netloc != connection.url.netloc:
            return fallback
        referer = parts.path + (f"?{parts.query}" if parts.query else "")
    return local_path(referer, fallback)


def session_config(settings: Settings) -> CookieBackendConfig:
    """Signed and encrypted cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS. It holds flash messages and the
    key of the server-side session (`SESSION_KEY`); whether that key still signs anyone in is the database's say."""
    return CookieBackendConfig(
        secret=hashlib.sha256(("session:" + settings.secret_key).encode()).digest(),
        key="arauto_session",
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        exclude=["^/static/", "^/webhooks/"],
    )


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Sets `request.user` (a CurrentUser or None); guards decide what an anonymous request may reach."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        now = connection.app.state.clock.now()
        header = connection.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            user = await users.user_for_token(header[7:].strip(), now=now)
            if user is None:
                raise NotAuthorizedException(N_("The API token is not valid."))
            return AuthenticationResult(user=user, auth="token")
        user = await _session_user(connection)
        if (
            user is not None
            and connection.scope["path"].startswith("/api/")
            and connection.scope.get("method") in UNSAFE_METHODS
        ):
            # /api is exempt from CSRF, so a cookie alone must never authorise a change there.
            raise PermissionDeniedException(
                N_("Changes through the API need an 'Authorization: Bearer <token>' header.")
            )
        return AuthenticationResult(user=user, auth="session" if user else None)


def csrf_config(settings: Settings) -> CSRFConfig:
    """Behind HTTPS the token cookie is `__Host-` prefixed: Secure, host-only, so no sibling domain can plant it."""
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name="__Host-csrftoken" if settings.cookies_secure else "csrftoken",
        cookie_secure=settings.cookies_secure,
        cookie_samesite="lax",
        cookie_httponly=True,
        exclude=["^/api/", "^/webhooks/"],
    )


async def sign_in(connection: ASGIConnection[Any, Any, Any, Any], user: users.CurrentUser) -> None:
    """A new server-side session; the whole cookie session is replaced, so nothing of the anonymous one survives."""
    key = await sessions.start_session(user.id, now=connection.app.state.clock.now())
    connection.set_session({SESSION_KEY: key})


async def sign_out(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """End this browser's server-side session; the cookie starts empty."""
    session = connection.scope.get("session")
    if isinstance(session, dict):
        await sessions.end_session(str(session.get(SESSION_KEY, "")))
    connection.set_session({})


async def _session_user(connection: ASGIConnection[Any, Any, Any, Any]) -> users.CurrentUser | None:
    session = connection.scope.get("session")
    key = session.get(SESSION_KEY) if isinstance(session, dict) else None
    if not isinstance(key, str):
        return None
    state = connection.app.state
    touched = kept_in_app(state, "session_touches", sessions.session_touches)
    idle = timedelta(minutes=state.settings.session_idle_minutes)
    return await users.user_for_session(key, now=state.clock.now(), idle=idle, touched=touched)


def authentication_middleware() -> DefineMiddleware:
    return DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/", "^/webhooks/", "^/metrics$"])
