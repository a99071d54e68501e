"""The polled live block, rendered once per change and shared by the tabs that show the same thing; an unchanged
block answers `304` with no body.

A block's key digests the computation's stamp (models/campaigns/live_cache.py) and everything else the rendered
bytes depend on: the user, the locale, the time zone, the session's CSRF token (inside the action forms), whether
the tab's `shown` fingerprint is behind (and its status too: the out-of-band blocks and the announcement) and the
recipients table's filter and page. The same key therefore always means the same bytes; it is also the ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from litestar import MediaType, Response
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from models.accounts.users import CurrentUser
from models.recent import Recent
from views.deps import AnyRequest
from views.i18n import current_locale

MAX_IF_NONE_MATCH = 512  # a browser sends back the one tag it got; anything longer is not ours


class Blocks:
    """The blocks rendered lately, by ETag, each rendered once however many tabs ask at the same moment; and, by
    kind (everything the ETag digests but the computation's stamp), the ETag last rendered: a tab asking while
    the block of a newer computation renders gets that one (its next poll gets the new one)."""

    def __init__(self, size: int = 256) -> None:
        self._bodies: Recent[str, bytes] = Recent(size)
        self._latest: Recent[str, str] = Recent(size)

    async def block(self, kind: str, etag: str, render: Callable[[], Awaitable[bytes]]) -> tuple[bytes, str]:
        """(body, ETag): `etag`'s, or the last of its kind while `etag`'s renders."""
        body = self._bodies.get(etag)
        if body is not None:
            return body, etag
        last = self._latest.get(kind) if self._bodies.reading(etag) else None
        last_body = self._bodies.get(last) if last is not None else None
        if last is not None and last_body is not None:
            return last_body, last
        body = await self._bodies.shared(etag, render)
        self._latest.put(kind, etag)
        return body, etag


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def block_kind(request: AnyRequest, campaign_id: int, user: CurrentUser, *drawn: object) -> str:
    """Everything but the computation that the block's bytes depend on."""
    csrf = ScopeState.from_scope(request.scope).csrf_token
    return _digest(str(campaign_id), str(user.id), current_locale(), user.timezone, str(csrf or ""), *map(repr, drawn))


def block_etag(stamp: str, kind: str) -> str:
    return '"' + _digest(stamp, kind) + '"'


def matches(request: AnyRequest, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")[:MAX_IF_NONE_MATCH]
    return etag in (tag.strip().removeprefix("W/") for tag in sent.split(","))


def caching_headers(etag: str) -> dict[str, str]:
    """Browsers keep the block and revalidate it on the next poll."""
    return {"ETag": etag, "Cache-Control": "private, no-cache"}


def not_modified(etag: str) -> Response[None]:
    return Response(None, status_code=304, headers=caching_headers(etag))


def rendered(request: AnyRequest, template: Template) -> bytes:
    """The bytes Litestar would send for `template` (the same context: request, CSRF, url_for)."""
    engine = request.app.template_engine
    assert engine is not None and template.template_name is not None
    context = template.create_template_context(request)
    return str(engine.get_template(template.template_name).render(**context)).encode()


def html_response(body: bytes, etag: str) -> Response[bytes]:
    return Response(body, media_type=MediaType.HTML, headers=caching_headers(etag))
