"""The webhook receiver through HTTP: authentication, envelopes, storage once per event, and what each event does."""

from __future__ import annotations

import pytest

from models.inbound.receipts import NEGATIVE_ACK, apply_pending_receipts
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, Instance, OptOut, WebhookEvent
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.webhooks import (
    KEY_ID,
    PHONE,
    campaign_row,
    example,
    example_names,
    message_row,
    post_event,
    receipt,
    stored_events,
)


@pytest.fixture
async def owner(make_user):
    return await make_user()


@pytest.fixture
async def instance(owner) -> Instance:
    return await make_instance(owner.id)


def sent_rows(*extra_phones: str, status: MessageStatus = MessageStatus.SENT) -> list[dict[str, object]]:
    rows = [{"phone": PHONE, "status": status, "evolution_id": KEY_ID}]
    return rows + recipient_rows(extra_phones)


@pytest.fixture
async def campaign(owner, instance):
    rows = sent_rows("5511900000001")
    return await make_campaign(owner.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)


@pytest.mark.parametrize("name", example_names())
async def test_every_example_payload_is_accepted_and_stored_once(client, instance, campaign, name) -> None:
    response = await post_event(client, instance, example(name))
    assert response.status_code == 200, response.text
    events = await stored_events()
    assert [(e["instance"], e["event"]) for e in events] == [(instance.id, example(name)["event"])]


async def test_by_events_suffix_path_is_accepted(client, instance, campaign) -> None:
    response = await post_event(client, instance, receipt("DELIVERY_ACK"), suffix="/messages-update")
    assert response.status_code == 200
    assert (await message_row(campaign.id))["status"] == MessageStatus.DELIVERED


@pytest.mark.parametrize("secret", ["wrong-secret", False])
async def test_wrong_or_missing_secret_answers_401_and_stores_nothing(client, instance, campaign, secret) -> None:
    response = await post_event(client, instance, receipt("DELIVERY_ACK"), secret=secret)
    assert response.status_code == 401
    assert await stored_events() == []
    assert (await message_row(campaign.id))["status"] == MessageStatus.SENT


async def test_unknown_instance_answers_exactly_like_a_wrong_secret(client, instance) -> None:
    unknown = await client.post(
        f"/webhooks/evolution/{instance.id + 99}", json=receipt("READ"), headers={"x-arauto-secret": "x"}
    )
    wrong_secret = await client.post(
        f"/webhooks/evolution/{instance.id}", json=receipt("READ"), headers={"x-arauto-secret": "x"}
    )
    assert unknown.status_code == wrong_secret.status_code == 401
    assert unknown.json() == wrong_secret.json()
    assert await stored_events() == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "The body is not JSON."),
        (b"[1, 2]", "The body must be a JSON object."),
        (b'{"data": {}}', "The envelope has no 'event' name."),
        (b'{"event": "messages.update", "data": "x"}', "The envelope's 'data' must be an object."),
    ],
)
async def test_malformed_body_answers_400_with_the_reason_and_stores_nothing(client, instance, body, reason) -> None:
    response = await post_event(client, instance, body)
    assert response.status_code == 400
    assert response.json()["detail"] == reason
    assert await stored_events() == []


async def test_unknown_event_is_stored_and_acknowledged(client, instance) -> None:
    response = await post_event(client, instance, {"event": "presence.update", "data": {"id": "x"}})
    assert response.status_code == 200
    assert [e["event"] for e in await stored_events()] == ["presence.update"]


async def test_stored_payload_drops_the_instance_token(client, instance, campaign) -> None:
    await post_event(client, instance, example("messages-update.delivery-ack"))
    (event,) = await stored_events()
    assert "apikey" not in event["payload"]


async def test_replayed_receipt_changes_counters_once(client, instance, campaign) -> None:
    for _ in range(3):
        assert (await post_event(client, instance, receipt("DELIVERY_ACK"))).status_code == 200
    assert len(await stored_events()) == 1
    assert (await campaign_row(campaign.id))["delivered_count"] == 1


async def test_receipts_out_of_order_end_read_with_each_counter_once(client, instance, campaign) -> None:
    for status in ("READ", "DELIVERY_ACK", "SERVER_ACK"):
        await post_event(client, instance, receipt(status))
    message, row = await message_row(campaign.id), await campaign_row(campaign.id)
    assert message["status"] == MessageStatus.READ
    assert message["delivered_at"] is not None and message["read_at"] is not None
    assert (row["sent_count"], row["delivered_count"], row["read_count"]) == (1, 1, 1)


async def test_read_after_delivery_counts_read_once(client, instance, campaign) -> None:
    for status in ("SERVER_ACK", "DELIVERY_ACK", "READ"):
        await post_event(client, instance, receipt(status))
    row = await campaign_row(campaign.id)
    assert (row["sent_count"], row["delivered_count"], row["read_count"]) == (1, 1, 1)


async def test_played_counts_as_read(client, instance, campaign) -> None:
    await post_event(client, instance, receipt("PLAYED"))
    assert (await message_row(campaign.id))["status"] == MessageStatus.READ
    assert (await campaign_row(campaign.id))["read_count"] == 1


async def test_error_after_delivery_is_ignored(client, instance, campaign) -> None:
    await post_event(client, instance, receipt("DELIVERY_ACK"))
    await post_event(client, instance, receipt("ERROR"))
    row = await campaign_row(campaign.id)
    assert (await message_row(campaign.id))["status"] == MessageStatus.DELIVERED
    assert (row["sent_count"], row["failed_count"]) == (1, 0)


async def test_error_on_a_sent_message_fails_it(client, instance, campaign) -> None:
    await post_event(client, instance, receipt("ERROR"))
    message, row = await message_row(campaign.id), await campaign_row(campaign.id)
    assert (message["status"], message["error"]) == (MessageStatus.FAILED, NEGATIVE_ACK)
    assert (row["sent_count"], row["failed_count"]) == (0, 1)


async def test_receipt_for_another_instances_message_changes_nothing(client, owner, instance, campaign) -> None:
    other = await make_instance(owner.id, instance_name="other")
    await post_event(client, other, receipt("READ"))
    assert (await message_row(campaign.id))["status"] == MessageStatus.SENT


async def test_receipt_before_the_key_id_is_recorded_waits_for_apply_pending(client, clock, owner, instance) -> None:
    rows = [{"phone": PHONE, "status": MessageStatus.SENDING}]
    campaign = await make_campaign(owner.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    await post_event(client, instance, receipt("DELIVERY_ACK"))
    (event,) = await stored_events()
    assert event["processed_at"] is None
    # what the dispatcher does when the send's HTTP answer arrives: SENT with the key id, counters moved
    await CampaignMessage.update(
        {CampaignMessage.status: MessageStatus.SENT.value, CampaignMessage.evolution_id: KEY_ID}
    ).where(CampaignMessage.campaign == campaign.id)
    await campaign.__class__.update({"pending_count": 0, "sent_count": 1}).where(campaign.__class__.id == campaign.id)
    await apply_pending_receipts(KEY_ID, now=clock.now())
    assert (await message_row(campaign.id))["status"] == MessageStatus.DELIVERED
    assert (await campaign_row(campaign.id))["delivered_count"] == 1
    assert (await stored_events())[0]["processed_at"] is not None


async def test_stop_reply_from_a_lid_opts_out_and_skips_pending_in_every_campaign_of_that_user(
    client, make_user, owner, instance
) -> None:
    first = await make_campaign(owner.id, instance.id, recipients=recipient_rows([PHONE, "5511900000001"]))
    second = await make_campaign(owner.id, None, recipients=recipient_rows([PHONE]), status=CampaignStatus.PAUSED)
    stranger = await make_user()
    theirs = await make_campaign(stranger.id, None, recipients=recipient_rows([PHONE]))
    response = await post_event(client, instance, example("messages-upsert.stop-reply"))
    assert response.status_code == 200
    opt_outs = await OptOut.select(OptOut.owner, OptOut.phone, OptOut.source)
    assert opt_outs == [{"owner": owner.id, "phone": PHONE, "source": "reply"}]
    for campaign in (first, second):
        message, row = await message_row(campaign.id), await campaign_row(campaign.id)
        assert (message["status"], message["error"]) == (MessageStatus.SKIPPED, "Opted out")
        assert row["skipped_count"] == 1 and row["pending_count"] == row["total_recipients"] - 1
    assert (await message_row(theirs.id))["status"] == MessageStatus.PENDING
    assert (await campaign_row(theirs.id))["skipped_count"] == 0


async def test_stop_reply_replayed_skips_once(client, owner, instance) -> None:
    campaign = await make_campaign(owner.id, instance.id, recipients=recipient_rows([PHONE]))
    for _ in range(2):
        await post_event(client, instance, example("messages-upsert.stop-reply"))
    row = await campaign_row(campaign.id)
    assert (row["pending_count"], row["skipped_count"]) == (0, 1)
    assert await OptOut.count() == 1


async def test_stop_from_a_lid_without_phone_is_resolved_through_the_quoted_message(client, owner, instance) -> None:
    await make_campaign(owner.id, instance.id, recipients=sent_rows(), status=CampaignStatus.RUNNING)
    body = example("messages-upsert.quoted-reply")
    body["data"]["key"]["remoteJid"] = "232366454870257@lid"
    body["data"]["message"]["conversation"] = "  sair "
    await post_event(client, instance, body)
    assert await OptOut.select(OptOut.phone) == [{"phone": PHONE}]


@pytest.mark.parametrize(("from_me", "text"), [(True, "STOP"), (False, "Stop please")])
async def test_reply_that_is_ours_or_not_a_stop_word_records_nothing(client, owner, instance, from_me, text) -> None:
    body = example("messages-upsert.quoted-reply")
    body["data"]["key"]["fromMe"] = from_me
    body["data"]["message"]["conversation"] = text
    assert (await post_event(client, instance, body)).status_code == 200
    assert await OptOut.count() == 0


async def test_connection_close_pauses_running_campaigns_and_open_resumes_them(client, instance, campaign) -> None:
    await post_event(client, instance, example("connection-update.close"))
    paused = await campaign_row(campaign.id)
    assert (paused["status"], paused["auto_paused"]) == (CampaignStatus.PAUSED, True)
    assert paused["pause_reason"] == "Instance disconnected (close, 401)"
    assert (await Instance.select(Instance.state).first())["state"] == "close"
    await post_event(client, instance, example("connection-update.open"))
    assert (await campaign_row(campaign.id))["status"] == CampaignStatus.RUNNING
    state = await Instance.select(Instance.state, Instance.phone_number).first()
    assert state == {"state": "open", "phone_number": "5511999990000"}


async def test_open_does_not_resume_a_campaign_the_user_paused(client, owner, instance) -> None:
    campaign = await make_campaign(owner.id, instance.id, recipients=sent_rows(), status=CampaignStatus.PAUSED)
    await post_event(client, instance, example("connection-update.open"))
    assert (await campaign_row(campaign.id))["status"] == CampaignStatus.PAUSED


async def test_events_are_kept_per_instance(client, owner, instance, campaign) -> None:
    other = await make_instance(owner.id, instance_name="other")
    await post_event(client, instance, receipt("DELIVERY_ACK"))
    await post_event(client, other, receipt("DELIVERY_ACK"))
    assert await WebhookEvent.count() == 2
