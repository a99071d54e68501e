"""ETags of the polled live block: a tab that already shows the block gets `304` and no body.

The tag digests the computation's stamp (models/campaigns/live_cache.py) and everything else the rendered block
depends on: the user, the locale, the time zone, the session's CSRF token (inside the action forms) and the query
(`shown`, the recipients filter and page). The same tag therefore always means the same bytes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, Response
from litestar.utils.scope.state import ScopeState

from models.accounts.users import CurrentUser
from views.i18n import current_locale

MAX_IF_NONE_MATCH = 512  # a browser sends back the one tag it got; anything longer is not ours


def block_etag(request: Request[Any, Any, Any], stamp: str, user: CurrentUser) -> str:
    csrf = ScopeState.from_scope(request.scope).csrf_token
    parts = (stamp, str(user.id), current_locale(), user.timezone, str(csrf or ""), request.url.query)
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def matches(request: Request[Any, Any, Any], etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")[:MAX_IF_NONE_MATCH]
    return etag in (tag.strip().removeprefix("W/") for tag in sent.split(","))


def not_modified(etag: str) -> Response[None]:
    """The 304; its headers also go on the 200 (browsers keep the block and revalidate it on the next poll)."""
    return Response(None, status_code=304, headers={"ETag": etag, "Cache-Control": "private, no-cache"})
