"""A cheap HTTP/1.1 keep-alive client for the benchmarks' many simulated browser tabs.

httpx spends several milliseconds of CPU per request; 200 tabs polling every 2 s then keep the client's own event
loop busy most of the time, and a late client inflates the latencies it measures (bench/progress_bench.py prints
the client's loop stalls beside the server's). This one writes the request line and headers by hand and reads the
answer by its Content-Length (or chunks): a fraction of a millisecond per request. Enough for our own server's
answers, nothing more: no redirects, no TLS, no compression.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value (Set-Cookie: see the jar)
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class CookieJar:
    """The cookies one browser holds for one site (its tabs share them), by name."""

    cookies: dict[str, str] = field(default_factory=dict)

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def take(self, set_cookie: str) -> None:
        pair, _, attributes = set_cookie.partition(";")
        name, _, value = pair.strip().partition("=")
        expired = "max-age=0" in attributes.lower().replace(" ", "")
        if expired or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


class KeepAlive:
    """One open connection (one tab's), reopened when the server closed it."""

    def __init__(self, base_url: str, jar: CookieJar) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.jar = jar
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, target: str, headers: dict[str, str] | None = None) -> Answer:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        lines = [f"GET {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.jar.cookies:
            lines.append(f"Cookie: {self.jar.header()}")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        try:
            self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            return await self._answer(self._reader)
        except BaseException:
            await self.close()
            raise

    async def _answer(self, reader: asyncio.StreamReader) -> Answer:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in head[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self.jar.take(value)
            headers[name] = value
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await _chunks(reader)
        else:
            body = b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, headers, body)

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
