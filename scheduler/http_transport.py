"""A lean HTTP/1.1 keep-alive transport for the Evolution client (issue 16: the sender's ceiling).

httpx's default transport (httpcore over anyio) spends most of the sender's CPU per message: every request walks
the whole pool and asks each connection's socket for its peer address to see whether it expired. This transport
does the same job for the plain request/response exchanges Evolution needs: a few reused connections per server,
a cheap staleness check (the server's EOF, or idle past KEEPALIVE_IDLE_SECONDS), and httpx's own exceptions, so
`scheduler.evolution_results.classify_exception` keeps classifying them: a connect or pool failure never left this
machine (NotSent), anything after the request was written may have arrived (Ambiguous).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field

import httpx

# Servers close idle keep-alive connections after ~5 s (Node's and uvicorn's default): one idle longer than this is
# not reused, so a POST never races the server's close (that race would make a send ambiguous for nothing).
KEEPALIVE_IDLE_SECONDS = 4.0
MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024  # findMessages pages are small; a larger answer is not Evolution's
NO_BODY_STATUSES = frozenset({204, 304})


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def reusable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < KEEPALIVE_IDLE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


@dataclass
class _Origin:
    slots: asyncio.Semaphore
    idle: list[_Connection] = field(default_factory=list)


class KeepAliveTransport(httpx.AsyncBaseTransport):
    """At most `max_connections` connections per origin; requests beyond wait for one (the pool timeout)."""

    def __init__(self, *, max_connections: int = 20) -> None:
        self._max = max_connections
        self._origins: dict[tuple[str, str, int], _Origin] = {}
        self._closed = False
        self._ssl: ssl.SSLContext | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        url = request.url
        key = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin(asyncio.Semaphore(self._max))
        if origin.slots.locked():  # only a wait needs its timeout (arming one costs a tenth of a request)
            try:
                async with asyncio.timeout(timeouts.get("pool")):
                    await origin.slots.acquire()
            except TimeoutError as exc:
                raise httpx.PoolTimeout("no free connection in time", request=request) from exc
        else:
            await origin.slots.acquire()
        try:
            connection = await self._connection(origin, key, request, timeouts.get("connect"))
            try:
                response, keep = await _exchange(connection, request, timeouts)
            except BaseException:
                connection.close()
                raise
            if keep and not self._closed:
                connection.idle_since = time.monotonic()
                origin.idle.append(connection)
            else:
                connection.close()
            return response
        finally:
            origin.slots.release()

    async def _connection(
        self, origin: _Origin, key: tuple[str, str, int], request: httpx.Request, connect_within: float | None
    ) -> _Connection:
        while origin.idle:
            connection = origin.idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        scheme, host, port = key
        context = self._tls() if scheme == "https" else None
        try:
            async with asyncio.timeout(connect_within):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=context, server_hostname=host if context else None, limit=MAX_HEAD_BYTES
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"could not connect to {host}:{port} in time", request=request) from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from exc
        return _Connection(reader, writer)

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def aclose(self) -> None:
        self._closed = True
        for origin in self._origins.values():
            while origin.idle:
                origin.idle.pop().close()


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    target = request.url.raw_path
    head = [request.method.encode("ascii"), b" ", target, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        head += (name, b": ", value, b"\r\n")
    head.append(b"\r\n")
    return b"".join(head) + body


async def _exchange(
    connection: _Connection, request: httpx.Request, timeouts: dict[str, float | None]
) -> tuple[httpx.Response, bool]:
    """Write the request, read one response; whether the connection may carry another."""
    body = await request.aread()
    connection.writer.write(_request_bytes(request, body))
    if connection.writer.transport.get_write_buffer_size():  # else the kernel took it all: nothing to wait for
        try:
            async with asyncio.timeout(timeouts.get("write")):
                await connection.writer.drain()
        except TimeoutError as exc:
            raise httpx.WriteTimeout("the request was not written in time", request=request) from exc
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from exc
    try:
        async with asyncio.timeout(timeouts.get("read")):
            return await _read_response(connection.reader, request)
    except TimeoutError as exc:
        raise httpx.ReadTimeout("no answer in time", request=request) from exc
    except asyncio.IncompleteReadError as exc:
        raise httpx.RemoteProtocolError("the server closed the connection mid-answer", request=request) from exc
    except asyncio.LimitOverrunError as exc:
        raise httpx.RemoteProtocolError("the answer's head is too large", request=request) from exc
    except OSError as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc


async def _read_response(reader: asyncio.StreamReader, request: httpx.Request) -> tuple[httpx.Response, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    version, _, rest = lines[0].partition(b" ")
    code, _, reason = rest.partition(b" ")
    if not version.startswith(b"HTTP/1.") or not code.isdigit():
        raise httpx.RemoteProtocolError("the answer is not HTTP/1.x", request=request)
    status = int(code)
    headers: list[tuple[bytes, bytes]] = []
    length: int | None = None
    chunked = False
    keep = version == b"HTTP/1.1"
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise httpx.RemoteProtocolError("a malformed header line", request=request)
        value = value.strip()
        lower = name.strip().lower()
        headers.append((lower, value))
        if lower == b"content-length":
            length = _length(value, request)
        elif lower == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif lower == b"connection":
            keep = b"close" not in value.lower() and (keep or b"keep-alive" in value.lower())
    if request.method == "HEAD" or status in NO_BODY_STATUSES or status < 200:
        content = b""
    elif chunked:
        content = await _read_chunked(reader, request)
    elif length is not None:
        content = await reader.readexactly(length)
    else:  # delimited by the close: the connection cannot be reused
        content, keep = await _read_to_eof(reader, request), False
    response = httpx.Response(
        status,
        headers=headers,
        stream=httpx.ByteStream(content),
        extensions={"http_version": version, "reason_phrase": reason},
    )
    return response, keep


def _length(value: bytes, request: httpx.Request) -> int:
    if not value.isdigit() or int(value) > MAX_BODY_BYTES:
        raise httpx.RemoteProtocolError("a bad or too large Content-Length", request=request)
    return int(value)


async def _read_chunked(reader: asyncio.StreamReader, request: httpx.Request) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = (await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise httpx.RemoteProtocolError("a malformed chunk size", request=request) from exc
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the blank line
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY_BYTES:
            raise httpx.RemoteProtocolError("the answer is too large", request=request)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _read_to_eof(reader: asyncio.StreamReader, request: httpx.Request) -> bytes:
    parts: list[bytes] = []
    total = 0
    while chunk := await reader.read(65536):
        total += len(chunk)
        if total > MAX_BODY_BYTES:
            raise httpx.RemoteProtocolError("the answer is too large", request=request)
        parts.append(chunk)
    return b"".join(parts)
