"""The sandbox speaks Evolution 2.3.6: every route against the example payloads, over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxServer, WebhookSink

EXAMPLES = Path("/work/shared/evolution")
PHONE = "5511988887777"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text())


def shape(value: Any) -> Any:
    """Keys, recursively (lists by their first element); values are ignored."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return "leaf"


def same_shape(actual: Any, expected: Any) -> None:
    assert shape(actual) == shape(expected)


@pytest.fixture
async def evo(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the sandbox with the global key."""
    async with httpx.AsyncClient(base_url=sandbox.url, headers={"apikey": sandbox.api_key}, timeout=5) as client:
        yield client


def text_body(number: str = PHONE, text: str = "Hello") -> dict[str, Any]:
    return {"number": number, "text": text}


async def test_health_has_the_example_shape(evo: httpx.AsyncClient) -> None:
    response = await evo.get("/", headers={"apikey": ""})
    assert response.status_code == 200
    same_shape(response.json(), example("health.response.json"))


async def test_send_text_answers_201_with_the_stored_message(evo: httpx.AsyncClient) -> None:
    request = {**example("send-text.request.json"), "delay": 0}  # the example's 1.2 s typing pause is honoured
    response = await evo.post("/message/sendText/sandbox", json=request)
    assert response.status_code == 201
    body = response.json()
    same_shape(body, example("send-text.response.json"))
    assert re.fullmatch(r"3EB0[0-9A-F]{18}", body["key"]["id"])
    assert body["pushName"] == "Você" and body["status"] == "PENDING" and body["key"]["fromMe"] is True
    assert isinstance(body["messageTimestamp"], int)
    assert body["message"]["conversation"] == example("send-text.request.json")["text"]


async def test_send_text_jid_drops_the_brazilian_ninth_digit(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/sandbox", json=text_body("5531987654321"))
    assert response.json()["key"]["remoteJid"] == "553187654321@s.whatsapp.net"


async def test_send_text_accepts_quoted_and_mentions(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/sandbox", json=example("send-text.request.quoted-mentions.json"))
    assert response.status_code == 201


async def test_send_media_image_url_has_the_example_shape(evo: httpx.AsyncClient) -> None:
    body = {**example("send-media.request.image-url.json"), "delay": 0}
    response = await evo.post("/message/sendMedia/sandbox", json=body)
    assert response.status_code == 201
    same_shape(response.json(), example("send-media.response.json"))
    assert response.json()["messageType"] == "imageMessage"


async def test_send_media_base64_document_keeps_its_file_name(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendMedia/sandbox", json=example("send-media.request.document-base64.json"))
    assert response.status_code == 201
    assert response.json()["message"]["documentMessage"]["fileName"] == "price-list.pdf"


async def test_send_media_that_is_neither_url_nor_base64_is_refused(evo: httpx.AsyncClient) -> None:
    body = {**example("send-media.request.image-url.json"), "media": "data:image/png;base64,AAAA", "delay": 0}
    response = await evo.post("/message/sendMedia/sandbox", json=body)
    assert (response.status_code, response.json()) == (400, example("error.media-not-url-or-base64.400.json"))


@pytest.mark.parametrize("state", ["open", "connecting", "close"])
async def test_connection_state_follows_the_instance(
    sandbox: SandboxServer, evo: httpx.AsyncClient, state: str
) -> None:
    sandbox.set_state(state)
    response = await evo.get("/instance/connectionState/sandbox")
    assert response.status_code == 200
    expected = example(f"connection-state.{state}.json")
    expected["instance"]["instanceName"] = "sandbox"
    assert response.json() == expected


async def test_fetch_instances_has_the_example_shape(evo: httpx.AsyncClient) -> None:
    response = await evo.get("/instance/fetchInstances")
    assert response.status_code == 200
    same_shape(response.json(), example("fetch-instances.response.json"))


async def test_fetch_instances_with_an_instance_token_lists_only_its_instance(
    sandbox: SandboxServer, evo: httpx.AsyncClient
) -> None:
    sandbox.put_instance("other", token="OTHER-TOKEN")
    everything = await evo.get("/instance/fetchInstances")
    own = await evo.get("/instance/fetchInstances", headers={"apikey": "OTHER-TOKEN"})
    wrong = await evo.get("/instance/fetchInstances", headers={"apikey": "nope"})
    assert sorted(row["name"] for row in everything.json()) == ["other", "sandbox"]
    assert [row["name"] for row in own.json()] == ["other"]
    assert wrong.status_code == 401


async def test_whatsapp_numbers_matches_the_example(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_knobs(not_on_whatsapp=["5511977776666"])
    response = await evo.post("/chat/whatsappNumbers/sandbox", json=example("whatsapp-numbers.request.json"))
    assert response.status_code == 200
    expected = [{k: v for k, v in row.items() if k != "name"} for row in example("whatsapp-numbers.response.json")]
    assert response.json() == expected


async def test_whatsapp_numbers_errors_have_no_response_wrapper(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/chat/whatsappNumbers/sandbox", json={"numbers": [5511988887777]})
    assert (response.status_code, response.json()) == (400, example("error.whatsapp-numbers.validation.400.json"))


async def test_webhook_find_is_null_until_set_then_the_stored_row(evo: httpx.AsyncClient) -> None:
    assert (await evo.get("/webhook/find/sandbox")).json() is None
    created = await evo.post("/webhook/set/sandbox", json=example("webhook-set.request.json"))
    assert created.status_code == 201
    same_shape(created.json(), example("webhook-set.response.json"))
    found = await evo.get("/webhook/find/sandbox")
    assert found.status_code == 200 and found.json() == created.json()


async def test_webhook_set_refuses_unknown_events(evo: httpx.AsyncClient) -> None:
    body = {"webhook": {"enabled": True, "url": "http://127.0.0.1:1/x", "events": ["NOT_AN_EVENT"]}}
    response = await evo.post("/webhook/set/sandbox", json=body)
    assert response.status_code == 400 and isinstance(response.json()["response"]["message"][0], list)


async def test_find_messages_filters_by_key_id_and_remote_jid(evo: httpx.AsyncClient) -> None:
    first = (await evo.post("/message/sendText/sandbox", json=text_body())).json()
    await evo.post("/message/sendText/sandbox", json=text_body("5511977770000"))
    by_id = await evo.post("/chat/findMessages/sandbox", json={"where": {"key": {"id": first["key"]["id"]}}})
    by_jid = await evo.post(
        "/chat/findMessages/sandbox", json={"where": {"key": {"remoteJid": first["key"]["remoteJid"]}}}
    )
    everything = await evo.post("/chat/findMessages/sandbox", json={})
    assert by_id.status_code == 200
    page = by_id.json()["messages"]
    assert set(page) == {"total", "pages", "currentPage", "records"}
    assert [r["key"]["id"] for r in page["records"]] == [first["key"]["id"]]
    assert set(page["records"][0]) == {
        "id", "key", "pushName", "messageType", "message", "messageTimestamp",
        "instanceId", "source", "contextInfo", "MessageUpdate",
    }  # fmt: skip
    assert by_jid.json()["messages"]["total"] == 1
    assert everything.json()["messages"]["total"] == 2


async def test_find_messages_pages_with_offset_as_the_page_size(evo: httpx.AsyncClient) -> None:
    for phone in ("5511977770001", "5511977770002", "5511977770003"):
        await evo.post("/message/sendText/sandbox", json=text_body(phone))
    second = (await evo.post("/chat/findMessages/sandbox", json={"offset": 2, "page": 2})).json()["messages"]
    assert (second["total"], second["pages"], second["currentPage"], len(second["records"])) == (3, 2, 2, 1)


async def test_find_status_message_lists_the_receipts(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sent = (await evo.post("/message/sendText/sandbox", json=text_body())).json()
    request = {**example("find-status-message.request.json"), "where": {"id": sent["key"]["id"]}}
    rows: list[Any] = []
    for _ in range(50):
        rows = (await evo.post("/chat/findStatusMessage/sandbox", json=request)).json()
        if len(rows) == 3:
            break
        await asyncio.sleep(0.01)
    same_shape(rows, example("find-status-message.response.json"))
    assert [row["status"] for row in rows] == ["SERVER_ACK", "DELIVERY_ACK", "READ"]


async def test_unknown_instance_is_404_before_auth(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/campaign-01", json=text_body(), headers={"apikey": ""})
    assert (response.status_code, response.json()) == (404, example("error.instance-not-found.404.json"))


async def test_unknown_route_is_404_cannot_post(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendTxt/campaign-01", json=text_body())
    assert (response.status_code, response.json()) == (404, example("error.route-not-found.404.json"))


@pytest.mark.parametrize("key", [None, "wrong", "OTHER-TOKEN"])
async def test_missing_wrong_or_foreign_key_is_401(sandbox: SandboxServer, key: str | None) -> None:
    sandbox.put_instance("other", token="OTHER-TOKEN")
    headers = {} if key is None else {"apikey": key}
    response = httpx.post(f"{sandbox.url}/message/sendText/sandbox", json=text_body(), headers=headers)
    assert (response.status_code, response.json()) == (401, example("error.unauthorized.401.json"))
    assert sandbox.messages() == []


async def test_instance_token_works_on_its_own_instance(sandbox: SandboxServer) -> None:
    headers = {"apikey": sandbox.instance_token}
    response = httpx.post(f"{sandbox.url}/message/sendText/sandbox", json=text_body(), headers=headers)
    assert response.status_code == 201


async def test_missing_text_is_a_doubly_nested_validation_error(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/sandbox", json={"number": PHONE, "textMessage": {"text": "v1"}})
    assert (response.status_code, response.json()) == (400, example("error.validation.400.json"))


async def test_non_integer_delay_is_refused(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/sandbox", json={**text_body(), "delay": "5"})
    assert response.json()["response"]["message"] == [["Enter a value in milliseconds"]]


async def test_blank_text_is_text_required(evo: httpx.AsyncClient) -> None:
    response = await evo.post("/message/sendText/sandbox", json=text_body(text="   "))
    assert (response.status_code, response.json()) == (400, example("error.text-empty.400.json"))


async def test_number_not_on_whatsapp_is_400_exists_false(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_knobs(not_on_whatsapp=["5511977776666"])
    response = await evo.post("/message/sendText/sandbox", json=text_body("5511977776666"))
    assert (response.status_code, response.json()) == (400, example("error.number-not-on-whatsapp.400.json"))
    assert sandbox.messages() == []


async def test_disconnected_text_send_is_500_connection_closed(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_state("close")
    response = await evo.post("/message/sendText/sandbox", json=text_body())
    assert (response.status_code, response.json()) == (500, example("error.not-connected.500.json"))


async def test_disconnected_media_send_is_500_error_connection_closed(
    sandbox: SandboxServer, evo: httpx.AsyncClient
) -> None:
    sandbox.set_state("connecting")
    body = {**example("send-media.request.image-url.json"), "delay": 0}
    response = await evo.post("/message/sendMedia/sandbox", json=body)
    assert (response.status_code, response.json()) == (500, example("error.media-prepare-failed.500.json"))


async def test_disconnected_send_can_be_the_400_variant(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_state("close")
    sandbox.set_knobs("sandbox", closed_send_status=400)
    response = await evo.post("/message/sendText/sandbox", json=text_body())
    assert (response.status_code, response.json()) == (400, example("error.send-failed.400.json"))


async def test_a_hung_send_times_out_but_is_recorded_for_reconciliation(sandbox: SandboxServer) -> None:
    sandbox.set_knobs(timeout_share=1.0, timeout_hold_s=1.0)
    async with httpx.AsyncClient(base_url=sandbox.url, headers={"apikey": sandbox.api_key}) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post("/message/sendText/sandbox", json=text_body(), timeout=0.2)
        assert len(sandbox.messages()) == 1
        log = [r for r in sandbox.requests() if r["path"] == "/message/sendText/sandbox"]
        assert len(log) == 1 and log[0]["status"] is None
        key_id = sandbox.messages()[0]["key"]["id"]
        found = await client.post("/chat/findMessages/sandbox", json={"where": {"key": {"id": key_id}}})
        assert found.json()["messages"]["total"] == 1


async def test_a_hung_send_can_also_not_be_recorded(sandbox: SandboxServer) -> None:
    sandbox.set_knobs(timeout_share=1.0, timeout_hold_s=1.0, timeout_records_sent=False)
    async with httpx.AsyncClient(base_url=sandbox.url, headers={"apikey": sandbox.api_key}) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post("/message/sendText/sandbox", json=text_body(), timeout=0.2)
    assert sandbox.messages() == []


async def test_error_share_answers_500(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_knobs(error_share=1.0)
    response = await evo.post("/message/sendText/sandbox", json=text_body())
    assert response.status_code == 500 and response.json()["error"] == "Internal Server Error"
    assert sandbox.messages() == []


async def test_error_share_with_seed_is_reproducible(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    async def run() -> list[int]:
        sandbox.set_knobs(error_share=0.5, seed=7)
        return [(await evo.post("/message/sendText/sandbox", json=text_body())).status_code for _ in range(12)]

    first, second = await run(), await run()
    assert first == second and {201, 500} == set(first)


async def test_rate_limit_share_answers_429_with_retry_after(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_knobs(rate_limit_share=1.0, retry_after_s=3)
    response = await evo.post("/message/sendText/sandbox", json=text_body())
    assert response.status_code == 429 and response.headers["retry-after"] == "3"


async def test_latency_knob_slows_answers(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    sandbox.set_knobs(latency_ms=150)
    response = await evo.get("/instance/connectionState/sandbox")
    assert response.elapsed.total_seconds() >= 0.15


async def test_receipts_follow_a_send(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, headers={"x-webhook-token": "s3cret"})
    sent = (await evo.post("/message/sendText/sandbox", json=text_body())).json()
    [send_message] = await webhook_sink.wait_for(1, "send.message")
    updates = await webhook_sink.wait_for(3, "messages.update")
    same_shape(send_message.body, example("webhook.send-message.json"))
    assert send_message.body["data"] == sent
    assert send_message.headers["x-webhook-token"] == "s3cret" and send_message.path == "/hooks"
    assert [u.body["data"]["status"] for u in updates] == ["SERVER_ACK", "DELIVERY_ACK", "READ"]
    for update, name in zip(updates, ("server-ack", "delivery-ack", "read"), strict=True):
        same_shape(update.body, example(f"webhook.messages-update.{name}.json"))
        assert update.body["data"]["keyId"] == sent["key"]["id"]
        assert update.body["destination"] == webhook_sink.url


async def test_by_events_appends_the_event_to_the_url(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, ["SEND_MESSAGE", "MESSAGES_UPDATE"], byEvents=True)
    await evo.post("/message/sendText/sandbox", json=text_body())
    hooks = await webhook_sink.wait_for(4)
    assert {h.path for h in hooks} == {"/hooks/send-message", "/hooks/messages-update"}
    assert {h.body["destination"] for h in hooks} == {webhook_sink.url}


async def test_events_filter_limits_what_is_posted(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, ["SEND_MESSAGE"])
    await evo.post("/message/sendText/sandbox", json=text_body())
    await webhook_sink.wait_for(1, "send.message")
    await asyncio.sleep(0.1)
    assert webhook_sink.events("messages.update") == []


async def test_jwt_key_header_becomes_a_bearer_hs256_token(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, ["SEND_MESSAGE"], headers={"jwt_key": "k3y"})
    await evo.post("/message/sendText/sandbox", json=text_body())
    [hook] = await webhook_sink.wait_for(1)
    assert "jwt_key" not in hook.headers
    header, claims, signature = hook.headers["authorization"].removeprefix("Bearer ").split(".")
    expected = hmac.new(b"k3y", f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=="))
    assert decoded["app"] == "evolution" and decoded["action"] == "webhook"
    assert decoded["exp"] - decoded["iat"] == 600


async def test_receipt_switches_error_out_of_order_duplicate_and_lid(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, ["MESSAGES_UPDATE"])
    sandbox.set_knobs(receipt_error=True, receipt_out_of_order=True, receipt_duplicate=True, receipt_lid=True)
    sent = (await evo.post("/message/sendText/sandbox", json=text_body())).json()
    updates = await webhook_sink.wait_for(4, "messages.update")
    assert [u.body["data"]["status"] for u in updates] == ["ERROR", "ERROR", "SERVER_ACK", "SERVER_ACK"]
    same_shape(updates[0].body, example("webhook.messages-update.error.json"))
    jids = {u.body["data"]["remoteJid"] for u in updates}
    assert len(jids) == 1 and jids.pop().endswith("@lid")
    assert {u.body["data"]["keyId"] for u in updates} == {sent["key"]["id"]}


async def test_webhooks_are_retried_on_5xx_but_not_on_401(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sandbox.set_webhook(webhook_sink.url, ["SEND_MESSAGE"])
    sandbox.set_knobs(webhook_retry_delay_ms=10)
    webhook_sink.statuses = [503, 200]
    await evo.post("/message/sendText/sandbox", json=text_body())
    await webhook_sink.wait_for(2, "send.message")
    webhook_sink.statuses = [401]
    await evo.post("/message/sendText/sandbox", json=text_body())
    await webhook_sink.wait_for(3, "send.message")
    await asyncio.sleep(0.1)
    assert [(d["attempt"], d["status"]) for d in sandbox.webhooks()] == [(1, 503), (2, 200), (1, 401)]


async def test_state_change_posts_connection_update(sandbox: SandboxServer, webhook_sink: WebhookSink) -> None:
    sandbox.set_webhook(webhook_sink.url, ["CONNECTION_UPDATE"])
    sandbox.set_state("close", status_reason=401)
    sandbox.set_state("connecting")
    sandbox.set_state("open")
    hooks = await webhook_sink.wait_for(3, "connection.update")
    by_state = {h.body["data"]["state"]: h.body for h in hooks}
    for state in ("close", "connecting", "open"):
        same_shape(by_state[state], example(f"webhook.connection-update.{state}.json"))
    assert by_state["close"]["data"]["statusReason"] == 401


async def test_inbound_stop_reply_addressed_by_lid(sandbox: SandboxServer, webhook_sink: WebhookSink) -> None:
    sandbox.set_webhook(webhook_sink.url, ["MESSAGES_UPSERT"])
    sandbox.inject_inbound(PHONE, "STOP", lid=True)
    [hook] = await webhook_sink.wait_for(1, "messages.upsert")
    expected = example("webhook.messages-upsert.stop-reply.json")
    same_shape(hook.body["data"]["key"], expected["data"]["key"])
    assert set(hook.body) == set(expected) and set(hook.body["data"]) == set(expected["data"])
    assert hook.body["data"]["key"]["remoteJid"].endswith("@lid")
    assert hook.body["data"]["key"]["remoteJidAlt"] == f"{PHONE}@s.whatsapp.net"
    assert hook.body["data"]["message"]["conversation"] == "STOP"


async def test_inbound_by_lid_may_lack_the_phone(sandbox: SandboxServer, webhook_sink: WebhookSink) -> None:
    sandbox.set_webhook(webhook_sink.url, ["MESSAGES_UPSERT"])
    sandbox.inject_inbound(PHONE, "SAIR", lid=True, remoteJidAlt=False)
    [hook] = await webhook_sink.wait_for(1, "messages.upsert")
    assert "remoteJidAlt" not in hook.body["data"]["key"]


async def test_inbound_quoted_reply_points_at_the_campaign_message(
    sandbox: SandboxServer, evo: httpx.AsyncClient, webhook_sink: WebhookSink
) -> None:
    sent = (await evo.post("/message/sendText/sandbox", json=text_body(text="Offer"))).json()
    sandbox.set_webhook(webhook_sink.url, ["MESSAGES_UPSERT"])
    sandbox.inject_inbound(PHONE, "Stop please", quotedId=sent["key"]["id"], source="ios")
    [hook] = await webhook_sink.wait_for(1, "messages.upsert")
    same_shape(hook.body, example("webhook.messages-upsert.quoted-reply.json"))
    assert hook.body["data"]["contextInfo"]["stanzaId"] == sent["key"]["id"]
    assert hook.body["data"]["contextInfo"]["quotedMessage"] == {"conversation": "Offer"}


async def test_request_log_shows_every_evolution_call_once(sandbox: SandboxServer, evo: httpx.AsyncClient) -> None:
    await evo.post("/message/sendText/sandbox", json=text_body(text="one"))
    await evo.post("/message/sendText/nowhere", json=text_body(text="two"))
    log = sandbox.requests()
    assert [(r["method"], r["path"], r["instance"], r["status"]) for r in log] == [
        ("POST", "/message/sendText/sandbox", "sandbox", 201),
        ("POST", "/message/sendText/nowhere", "nowhere", 404),
    ]
    assert log[0]["body"] == text_body(text="one")


async def test_control_api_needs_the_global_key(sandbox: SandboxServer) -> None:
    response = httpx.get(f"{sandbox.url}/_sandbox/requests", headers={"apikey": sandbox.instance_token})
    assert response.status_code == 401


async def test_unknown_knob_is_refused(sandbox: SandboxServer) -> None:
    response = httpx.patch(f"{sandbox.url}/_sandbox/knobs", json={"nope": 1}, headers={"apikey": sandbox.api_key})
    assert response.status_code == 400
