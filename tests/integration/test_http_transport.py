"""The Evolution client's keep-alive transport against scripted HTTP servers on real sockets: reuse, framing
(Content-Length, chunked, close-delimited, gzip), a server closing idle connections, and the failure classes."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from models.instances.address import NumberAddress
from scheduler import http_transport
from scheduler.evolution import Ambiguous, EvolutionClient, NotSent, Sent
from scheduler.http_transport import KeepAliveTransport

Answer = Callable[[bytes], Awaitable[bytes | None]]  # request head -> raw answer (None: say nothing)
SENT = b'{"key": {"id": "K1", "remoteJid": "5511@s.whatsapp.net"}, "messageTimestamp": 1}'


class Scripted:
    """An HTTP server that answers each request with `answer(head)`; counts connections and requests."""

    def __init__(self, answer: Answer, *, close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.connections = 0
        self.heads: list[bytes] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.lower().split(b"\r\n")
                length = next((int(line.split(b":")[1]) for line in lines if line.startswith(b"content-length")), 0)
                await reader.readexactly(length)
                self.heads.append(head)
                raw = await self.answer(head)
                if raw is None:
                    await asyncio.sleep(30)
                    return
                writer.write(raw)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def scripted(answer: Answer, **kw: bool) -> AsyncIterator[tuple[Scripted, str]]:
    handler = Scripted(answer, **kw)
    server = await asyncio.start_server(handler.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield handler, f"http://127.0.0.1:{port}"
    finally:
        for writer in handler.writers:
            writer.close()
        server.close()


def fixed(raw: bytes) -> Answer:
    async def answer(_: bytes) -> bytes:
        return raw

    return answer


def created(body: bytes = SENT, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def send(client: EvolutionClient, url: str) -> object:
    return await client.send_text(NumberAddress(url, "key", "sandbox"), "5511", "Hi")


async def test_one_connection_carries_many_sends() -> None:
    async with scripted(fixed(created())) as (server, url), EvolutionClient(max_connections=4) as client:
        results = [await send(client, url) for _ in range(5)]
    assert all(isinstance(r, Sent) and r.key_id == "K1" for r in results)
    assert server.connections == 1 and len(server.heads) == 5
    assert b"apikey: key" in server.heads[0] and server.heads[0].startswith(b"POST /message/sendText/sandbox ")


async def test_concurrent_sends_stay_within_the_connection_limit() -> None:
    async def slow(_: bytes) -> bytes:
        await asyncio.sleep(0.02)
        return created()

    async with scripted(slow) as (server, url), EvolutionClient(max_connections=3) as client:
        results = await asyncio.gather(*(send(client, url) for _ in range(12)))
    assert all(isinstance(r, Sent) for r in results)
    assert server.connections == 3


async def test_chunked_and_gzip_answers_are_decoded() -> None:
    body = gzip.compress(SENT)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7]) for i in range(0, len(body), 7))
    head = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
    raw = head + chunks + b"0\r\n\r\n"
    async with scripted(fixed(raw)) as (server, url), EvolutionClient() as client:
        assert isinstance(await send(client, url), Sent)
        assert isinstance(await send(client, url), Sent)
    assert server.connections == 1


async def test_an_answer_delimited_by_the_close_is_read_and_the_connection_dropped() -> None:
    raw = b"HTTP/1.1 201 Created\r\nConnection: close\r\n\r\n" + SENT
    async with scripted(fixed(raw), close_after=True) as (server, url), EvolutionClient() as client:
        assert isinstance(await send(client, url), Sent)
        assert isinstance(await send(client, url), Sent)
    assert server.connections == 2


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async with scripted(fixed(created()), close_after=True) as (server, url), EvolutionClient() as client:
        assert isinstance(await send(client, url), Sent)
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection is idle in the pool
        assert isinstance(await send(client, url), Sent)
    assert server.connections == 2


async def test_a_connection_idle_too_long_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_transport, "KEEPALIVE_IDLE_SECONDS", 0.05)
    async with scripted(fixed(created())) as (server, url), EvolutionClient() as client:
        assert isinstance(await send(client, url), Sent)
        await asyncio.sleep(0.1)
        assert isinstance(await send(client, url), Sent)
    assert server.connections == 2


async def test_a_server_that_hangs_up_mid_answer_is_ambiguous() -> None:
    cut = fixed(b"HTTP/1.1 201 Created\r\nContent-Length: 500\r\n\r\n{")
    async with scripted(cut, close_after=True) as (_, url), EvolutionClient() as client:
        result = await send(client, url)
    assert isinstance(result, Ambiguous) and "mid-request" in result.reason


async def test_a_silent_server_is_a_read_timeout_and_the_pool_waits_no_longer_than_its_timeout() -> None:
    async def silent(_: bytes) -> None:
        return None

    async with scripted(silent) as (server, url):
        transport = KeepAliveTransport(max_connections=1)
        timeout = httpx.Timeout(connect=5.0, read=2.0, write=5.0, pool=0.1)
        async with httpx.AsyncClient(base_url=url, transport=transport, timeout=timeout) as http:
            first = asyncio.ensure_future(http.post("/a", json={}))
            while not server.heads:  # the first request holds the only connection
                await asyncio.sleep(0.01)
            with pytest.raises(httpx.PoolTimeout):
                await http.post("/b", json={})
            with pytest.raises(httpx.ReadTimeout):
                await first


async def test_a_refused_connection_never_left() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with EvolutionClient(connect_timeout=0.5) as client:
        result = await send(client, f"http://127.0.0.1:{port}")
    assert isinstance(result, NotSent)


async def test_a_garbled_answer_is_ambiguous() -> None:
    async with scripted(fixed(b"SMTP ready\r\n\r\n")) as (_, url), EvolutionClient() as client:
        result = await send(client, url)
    assert isinstance(result, Ambiguous)
