"""CSRF tokens bound to the session: Litestar's double-submit cookie, signed with a key that includes the session.

Litestar's own middleware accepts any token it ever signed, so a token taken from another session works once its
cookie is planted (finding 8 of issue 10). Here the HMAC key is the app secret plus the session key from the
encrypted session cookie: a token made for one session fails in every other, and after login (a new session key)
the next page hands out a new token. Anonymous forms (login, setup) are bound to "no session".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware._utils import build_exclude_path_pattern, should_bypass_middleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

SESSION_KEY = "key"  # the session-cookie field holding the server-side session key (see views.security)
NONCE_BYTES = 32
FORM_TYPES = frozenset({RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART})


def _signature(nonce: str, key: bytes) -> str:
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


class SessionBoundCSRFMiddleware:
    """Sets the token for templates on safe requests; refuses unsafe ones without a matching, session-bound token."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        self.config = config
        self.exclude = build_exclude_path_pattern(exclude=config.exclude, middleware_cls=type(self))

    def _key(self, scope: Scope) -> bytes:
        session = scope.get("session")
        bound_to = session.get(SESSION_KEY, "") if isinstance(session, dict) else ""
        return f"{self.config.secret}\x00{bound_to}".encode()

    def _valid(self, token: str | None, key: bytes) -> str | None:
        """The token's nonce when its signature holds under this session's key."""
        if not token or len(token) != NONCE_BYTES * 2 + 64:
            return None
        nonce, signature = token[: NONCE_BYTES * 2], token[NONCE_BYTES * 2 :]
        return nonce if hmac.compare_digest(signature, _signature(nonce, key)) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or should_bypass_middleware(
            scope=scope,
            scopes={ScopeType.HTTP},
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        key = self._key(scope)
        cookie = request.cookies.get(self.config.cookie_name)
        state = ScopeState.from_scope(scope)
        if request.method in self.config.safe_methods:
            if cookie and self._valid(cookie, key):
                state.csrf_token = cookie
                await self.app(scope, receive, send)
                return
            nonce = secrets.token_hex(NONCE_BYTES)
            state.csrf_token = token = nonce + _signature(nonce, key)
            await self.app(scope, receive, self._setting_cookie(send, token))
            return
        submitted = request.headers.get(self.config.header_name) or ""
        if not submitted and request.content_type[0] in FORM_TYPES:
            value = (await request.form()).get("_csrf_token")
            submitted = value if isinstance(value, str) else ""
        submitted_nonce = self._valid(submitted, key)
        if submitted_nonce is None or submitted_nonce != self._valid(cookie, key):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = submitted
        await self.app(scope, receive, send)

    def _setting_cookie(self, send: Send, token: str) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = Cookie(
                    key=self.config.cookie_name,
                    value=token,
                    path=self.config.cookie_path,
                    secure=self.config.cookie_secure,
                    httponly=self.config.cookie_httponly,
                    samesite=self.config.cookie_samesite,
                    domain=self.config.cookie_domain,
                )
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        return wrapped


def csrf_middleware(config: CSRFConfig) -> DefineMiddleware:
    """Runs after the session and authentication middleware (it needs the session)."""
    return DefineMiddleware(SessionBoundCSRFMiddleware, config=config)
