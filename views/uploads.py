"""Uploaded files: a size limit enforced while the body streams in, and CSV bodies spooled to disk, never to memory."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio
from litestar import post
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from multipart import MultipartSegment, PushMultipartParser

from models.errors import ImportRejected, ValidationFailed
from models.recipients import ImportOptions, too_large_message
from settings import BASE_DIR
from views.deps import AnyRequest

# Room for the multipart envelope (boundaries, part headers, a few small form fields) around the file itself.
ENVELOPE_BYTES = 64 * 1024
FILE_FIELD = "file"
SPOOL_DIR = BASE_DIR / "var" / "uploads"

# The import's query parameters, the same for a campaign's recipients and a list's contacts.
HasHeader = Annotated[str | None, QueryParameter(name="hasHeader")]
PhoneColumn = Annotated[str | None, QueryParameter(name="phoneColumn")]
VariableColumns = Annotated[str | None, QueryParameter(name="variableColumns")]
DefaultRegion = Annotated[str | None, QueryParameter(name="defaultRegion")]
Sheet = Annotated[str | None, QueryParameter(name="sheet", max_length=200)]


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


async def spool_csv(request: AnyRequest, target: Path) -> None:
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


async def _spool_multipart(request: AnyRequest, boundary: str, output: Any) -> None:
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


@asynccontextmanager
async def spooled_upload(request: AnyRequest) -> AsyncIterator[Path]:
    """The request's file (CSV or XLSX body, or multipart `file`) on disk for the import; deleted afterwards."""
    await anyio.Path(SPOOL_DIR).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mktemp(suffix=".upload", dir=SPOOL_DIR))  # noqa: S306 (opened exclusively by spool_csv)
    try:
        await spool_csv(request, path)
        yield path
    finally:
        await anyio.Path(path).unlink(missing_ok=True)


async def import_options(
    has_header: HasHeader = None,
    phone_column: PhoneColumn = None,
    variable_columns: VariableColumns = None,
    default_region: DefaultRegion = None,
    sheet: Sheet = None,
) -> ImportOptions:
    """The import's query parameters (`hasHeader, phoneColumn, variableColumns, defaultRegion, sheet`) as options:
    the dependency `import_options` of every import endpoint (a campaign's recipients, a list's contacts)."""
    return ImportOptions(
        has_header=_boolean(has_header, "hasHeader"),
        phone_column=phone_column or None,
        variable_columns=variable_columns.split(",") if variable_columns is not None else None,
        default_region=default_region or None,
        sheet=(sheet or "").strip() or None,
    )


IMPORT_DEPENDENCIES = {"import_options": Provide(import_options)}


def import_route(path: str, *, name: str, raises: list[type[ClientException]]) -> post:
    """The decorator of every import endpoint: a POST answering 201 with the report, its body bounded while it
    streams in (settings.max_upload_bytes), the import's query parameters as `import_options`."""
    return post(
        path,
        name=name,
        raises=raises,
        status_code=HTTP_201_CREATED,
        request_max_body_size=None,  # settings.max_upload_bytes, enforced by the middleware
        middleware=[UploadLimitMiddleware],
        dependencies=IMPORT_DEPENDENCIES,
    )


def _boolean(raw: str | None, field: str) -> bool | None:
    """`hasHeader`: true/false (1/0, yes/no); absent or `auto` lets the import guess."""
    if raw is None or raw.strip().lower() in ("", "auto"):
        return None
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValidationFailed({field: "must be true, false or auto"})
