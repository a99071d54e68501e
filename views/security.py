"""Who is asking: a Bearer API token or the browser session; and the session cookie's settings."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig

from models.accounts import users
from settings import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_MAX_AGE = 14 * 24 * 3600


def session_config(settings: Settings) -> CookieBackendConfig:
    """Signed and encrypted client-side session: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
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
                raise NotAuthorizedException("The API token is not valid.")
            return AuthenticationResult(user=user, auth="token")
        session = connection.scope.get("session")
        user_id = session.get("user_id") if isinstance(session, dict) else None
        user = await users.get_user(user_id) if isinstance(user_id, int) else None
        if (
            user is not None
            and connection.scope["path"].startswith("/api/")
            and connection.scope.get("method") in UNSAFE_METHODS
        ):
            # /api is exempt from CSRF, so a cookie alone must never authorise a change there.
            raise PermissionDeniedException("Changes through the API need an 'Authorization: Bearer <token>' header.")
        return AuthenticationResult(user=user, auth="session" if user else None)


def authentication_middleware() -> DefineMiddleware:
    return DefineMiddleware(AuthenticationMiddleware, exclude=["^/static/", "^/webhooks/", "^/schema", "^/metrics$"])
