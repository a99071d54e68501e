"""Uploaded files: a size limit enforced while the body streams in, and CSV bodies spooled to disk, never to memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from multipart import MultipartSegment, PushMultipartParser

from models.errors import ImportRejected
from models.recipients import too_large_message

# Room for the multipart envelope (boundaries, part headers, a few small form fields) around the file itself.
ENVELOPE_BYTES = 64 * 1024
FILE_FIELD = "file"


def upload_limit(request_scope: Scope) -> int:
    settings = request_scope["litestar_app"].state.settings
    return int(settings.max_upload_bytes)


class UploadLimitMiddleware:
    """Refuse an upload over `settings.max_upload_bytes` before reading it whole: by its Content-Length, or by
    counting bytes as they arrive. It wraps CSRF, which parses a multipart page form before the handler runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        limit = upload_limit(scope)
        allowed = limit + ENVELOPE_BYTES
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > allowed:
            raise ImportRejected(too_large_message(limit))
        received = 0

        async def counting_receive() -> ReceiveMessage:
            nonlocal received
            message = await receive()
            body = message.get("body", b"")
            received += len(body) if isinstance(body, bytes) else 0
            if received > allowed:
                raise ImportRejected(too_large_message(limit))
            return message

        await self.app(scope, counting_receive, send)


async def spool_csv(request: Request[Any, Any, Any], target: Path) -> None:
    """Write the request's CSV to `target`: the body itself, or the `file` part of a multipart form."""
    content_type, options = request.content_type
    async with await anyio.open_file(target, "wb") as output:
        if content_type == "multipart/form-data":
            await _spool_multipart(request, options.get("boundary", ""), output)
        else:
            async for chunk in request.stream():
                await output.write(chunk)
    if (await anyio.Path(target).stat()).st_size > upload_limit(request.scope):
        raise ImportRejected(too_large_message(upload_limit(request.scope)))


async def _spool_multipart(request: Request[Any, Any, Any], boundary: str, output: Any) -> None:
    if not boundary:
        raise ImportRejected("The multipart body has no boundary; send the CSV as a `file` field.")
    found, in_file = False, False
    with PushMultipartParser(boundary.encode(), max_segment_size=upload_limit(request.scope) + 1) as parser:
        async for chunk in request.stream():
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    in_file = event.name == FILE_FIELD
                    found = found or in_file
                elif event is None:
                    in_file = False
                elif in_file:
                    await output.write(event)
    if not found:
        raise ImportRejected("The form has no `file` field holding the CSV.")
