"""EvolutionClient against the real sandbox over HTTP: every call and every failure class."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest

from models.instances.address import NumberAddress
from models.media_files import Media
from scheduler.evolution import (
    Ambiguous,
    ConnectionState,
    EvolutionClient,
    InstanceDown,
    NotSent,
    RecipientRejected,
    Rejected,
    Sent,
)
from tests.fixtures.sandbox import SandboxServer, WebhookSink

PHONE = "5511988887777"


@pytest.fixture
async def client() -> AsyncIterator[EvolutionClient]:
    evolution = EvolutionClient(read_timeout=2.0, connect_timeout=1.0)
    yield evolution
    await evolution.aclose()


async def send(client: EvolutionClient, sandbox: SandboxServer, text: str = "Hello", **kw: object) -> object:
    key = str(kw.pop("api_key", sandbox.api_key))
    instance = str(kw.pop("instance", sandbox.instance))
    number = str(kw.pop("number", PHONE))
    return await client.send_text(NumberAddress(sandbox.url, key, instance), number, text)


async def test_send_text_returns_sent_with_the_key_id(client: EvolutionClient, sandbox: SandboxServer) -> None:
    own_token = NumberAddress(sandbox.url, sandbox.instance_token, "sandbox")
    result = await client.send_text(own_token, PHONE, "Hi", delay_ms=10)
    assert isinstance(result, Sent)
    [stored] = sandbox.messages()
    assert result == Sent(stored["key"]["id"], f"{PHONE}@s.whatsapp.net", stored["messageTimestamp"])
    assert sandbox.requests()[0]["body"] == {"number": PHONE, "text": "Hi", "delay": 10}


async def test_send_media_returns_sent(client: EvolutionClient, sandbox: SandboxServer) -> None:
    media = Media("https://cdn.example.com/a.pdf", "document", "a.pdf")
    result = await client.send_media(sandbox.address, PHONE, media, "Prices")
    assert isinstance(result, Sent)
    assert sandbox.messages()[0]["message"]["documentMessage"]["fileName"] == "a.pdf"


async def test_connection_state_reads_the_state(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_state("connecting")
    assert await client.connection_state(sandbox.address) == ConnectionState(
        "sandbox", "connecting"
    )


async def test_fetch_instances_hides_tokens_from_repr(client: EvolutionClient, sandbox: SandboxServer) -> None:
    result = await client.fetch_instances(NumberAddress(sandbox.url, sandbox.api_key, ""))
    assert isinstance(result, tuple)
    [info] = result
    assert info.name == "sandbox" and info.token == sandbox.instance_token
    assert sandbox.instance_token not in repr(info)


async def test_check_numbers_goes_in_batches(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_knobs(not_on_whatsapp=["5511900000003"])
    numbers = [f"551190000000{i}" for i in range(5)]
    result = await client.check_numbers(sandbox.address, [*numbers, numbers[0]], batch_size=2)
    assert isinstance(result, tuple)
    assert [(c.number, c.exists) for c in result] == [(n, n != "5511900000003") for n in numbers]
    assert [len(r["body"]["numbers"]) for r in sandbox.requests()] == [2, 2, 1]


async def test_set_webhook_registers_headers_and_receipts_arrive(
    client: EvolutionClient, sandbox: SandboxServer, webhook_sink: WebhookSink
) -> None:
    info = await client.set_webhook(
        sandbox.address, webhook_sink.url, ["MESSAGES_UPDATE"], {"x-webhook-token": "t"}
    )
    assert not isinstance(info, Ambiguous | NotSent | InstanceDown)
    assert info.url == webhook_sink.url and info.events == ("MESSAGES_UPDATE",)
    sent = await send(client, sandbox)
    assert isinstance(sent, Sent)
    hooks = await webhook_sink.wait_for(3, "messages.update")
    assert {h.body["data"]["keyId"] for h in hooks} == {sent.key_id}
    assert {h.headers["x-webhook-token"] for h in hooks} == {"t"}


async def test_find_messages_by_key_id_and_remote_jid(client: EvolutionClient, sandbox: SandboxServer) -> None:
    first = await send(client, sandbox)
    await send(client, sandbox, number="5511977770000")
    assert isinstance(first, Sent)
    by_id = await client.find_messages(sandbox.address, key_id=first.key_id)
    by_jid = await client.find_messages(sandbox.address, remote_jid=first.remote_jid)
    missing = await client.find_messages(sandbox.address, key_id="3EB0000000000000000000")
    assert isinstance(by_id, tuple) and [m.key_id for m in by_id] == [first.key_id]
    assert isinstance(by_jid, tuple) and [m.key_id for m in by_jid] == [first.key_id]
    assert missing == ()


async def test_not_on_whatsapp_is_recipient_rejected(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_knobs(not_on_whatsapp=[PHONE])
    result = await send(client, sandbox)
    assert result == RecipientRejected(f"{PHONE} is not on WhatsApp", PHONE, f"{PHONE}@s.whatsapp.net")


@pytest.mark.parametrize(
    ("arrange", "status", "maybe_sent"),
    [
        ({"state": "close"}, 500, False),
        ({"state": "close", "closed_send_status": 400}, 400, True),
    ],
)
async def test_connection_closed_is_instance_down(
    client: EvolutionClient, sandbox: SandboxServer, arrange: dict[str, object], status: int, maybe_sent: bool
) -> None:
    sandbox.set_state(str(arrange.pop("state")))
    if arrange:
        sandbox.set_knobs(**arrange)
    result = await send(client, sandbox)
    assert result == InstanceDown("The WhatsApp connection is closed", status, maybe_sent=maybe_sent)


async def test_disconnected_media_send_is_instance_down(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_state("close")
    result = await client.send_media(sandbox.address, PHONE, Media("https://x.test/a.jpg", "image"))
    assert isinstance(result, InstanceDown) and result.status_code == 500


async def test_unknown_instance_is_instance_down(client: EvolutionClient, sandbox: SandboxServer) -> None:
    result = await send(client, sandbox, instance="campaign-01")
    assert result == InstanceDown('Evolution does not know the instance "campaign-01" (404)', 404)


async def test_refused_key_is_instance_down_and_never_logged(
    client: EvolutionClient, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = await send(client, sandbox, api_key="super-secret-wrong-key")
    assert result == InstanceDown("Evolution refused the API key (401)", 401)
    assert "super-secret-wrong-key" not in caplog.text and "super-secret-wrong-key" not in repr(result)


async def test_blank_text_is_rejected_as_invalid(client: EvolutionClient, sandbox: SandboxServer) -> None:
    result = await send(client, sandbox, text="  ")
    assert isinstance(result, Rejected) and result.status_code == 400


async def test_server_error_is_ambiguous(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_knobs(error_share=1.0)
    result = await send(client, sandbox)
    assert isinstance(result, Ambiguous) and result.status_code == 500


async def test_rate_limit_is_not_sent_with_retry_after(client: EvolutionClient, sandbox: SandboxServer) -> None:
    sandbox.set_knobs(rate_limit_share=1.0, retry_after_s=7)
    result = await send(client, sandbox)
    assert result == NotSent("Evolution asked us to slow down (429)", 7.0)


async def test_read_timeout_is_ambiguous_and_reconciliation_finds_the_message(sandbox: SandboxServer) -> None:
    sandbox.set_knobs(timeout_share=1.0, timeout_hold_s=1.0)
    async with EvolutionClient(read_timeout=0.2) as client:
        result = await send(client, sandbox)
        assert isinstance(result, Ambiguous) and result.status_code is None
        sandbox.set_knobs(timeout_share=0.0)
        found = await client.find_messages(
            sandbox.address, remote_jid=f"{PHONE}@s.whatsapp.net"
        )
    assert isinstance(found, tuple) and len(found) == 1
    assert len([r for r in sandbox.requests() if r["path"].startswith("/message/")]) == 1


async def test_a_silent_server_is_ambiguous() -> None:
    """Accepts the TCP connection, reads the request, never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with EvolutionClient(read_timeout=0.2) as client:
            result = await client.send_text(NumberAddress(f"http://127.0.0.1:{port}", "k", "sandbox"), PHONE, "Hi")
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
    assert isinstance(result, Ambiguous) and "did not answer in time" in result.reason


async def test_a_refused_connection_is_not_sent() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with EvolutionClient(connect_timeout=0.5) as client:
        result = await client.send_text(NumberAddress(f"http://127.0.0.1:{port}", "k", "sandbox"), PHONE, "Hi")
        state = await client.connection_state(NumberAddress(f"http://127.0.0.1:{port}", "k", "sandbox"))
    assert isinstance(result, NotSent) and result.retry_after is None
    assert isinstance(state, NotSent)


async def test_one_pooled_client_per_server(client: EvolutionClient, sandbox: SandboxServer) -> None:
    await client.connection_state(sandbox.address)
    await client.connection_state(NumberAddress(sandbox.url + "/", sandbox.instance_token, "sandbox"))
    assert len(client._clients) == 1
    await client.aclose()
    with pytest.raises(RuntimeError):
        await client.connection_state(sandbox.address)
