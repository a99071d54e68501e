"""Deleting a contact: campaigns keep every message's status, times and cost (reports and counters stay exact), but
the number and the person's variables are gone from everywhere except the opt-out list, which keeps honouring them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.accounts.users import create_api_token
from models.campaigns.duplicate import duplicate
from models.contacts import lists
from models.contacts.contacts import create_contact
from models.contacts.history import contact_history
from models.db import all_tables
from models.errors import IllegalTransition
from models.recipients.campaign_table import retry_failed
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignList, CampaignMessage, Contact, OptOut, WebhookEvent, WhatsappCheck
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import post_form

PHONE, OTHER = "5511988880001", "5511988880002"
COUNTERS = ("total_recipients", "pending_count", "sent_count", "delivered_count", "read_count", "failed_count")


@pytest.fixture
async def world(make_user: Any) -> dict[str, Any]:
    """The number in every place a campaign, a list, a check and a webhook keep it."""
    user = await make_user()
    instance = await make_instance(user.id)
    contact = await create_contact(
        PHONE, owner_id=user.id, attributes={"Nome": "Ana"}, tags=["vip"], region="BR", now=NOW
    )
    await create_contact(OTHER, owner_id=user.id, attributes={"Nome": "Bia"}, tags=[], region="BR", now=NOW)
    both: list[dict[str, Any]] = [
        {"phone": PHONE, "raw_phone": "(11) 98888-0001", "variables": {"Nome": "Ana"}},
        {"phone": OTHER},
    ]
    done = await make_campaign(
        user.id,
        instance.id,
        status=CampaignStatus.COMPLETED,
        recipients=[{**both[0], "status": MessageStatus.READ}, {**both[1], "status": MessageStatus.DELIVERED}],
    )
    sent_at = NOW - timedelta(hours=2)
    await CampaignMessage.update(
        {
            CampaignMessage.sent_at: sent_at,
            CampaignMessage.read_at: sent_at + timedelta(minutes=5),
            CampaignMessage.price: Decimal("0.0500"),
            CampaignMessage.whatsapp_jid: f"{PHONE}@s.whatsapp.net",
            CampaignMessage.remote_jid: f"{PHONE}@s.whatsapp.net",
        }
    ).where((CampaignMessage.campaign == done.id) & (CampaignMessage.phone == PHONE))
    failed = await make_campaign(
        user.id,
        instance.id,
        status=CampaignStatus.COMPLETED,
        recipients=[{"phone": PHONE, "status": MessageStatus.FAILED}],
    )
    await CampaignMessage.update(
        {CampaignMessage.error: f"{PHONE} is not reachable", CampaignMessage.failed_at: NOW}
    ).where(CampaignMessage.campaign == failed.id)
    running = await make_campaign(
        user.id, instance.id, status=CampaignStatus.RUNNING, recipients=recipient_rows([PHONE, OTHER])
    )
    draft = await make_campaign(user.id, instance.id, recipients=recipient_rows([PHONE, OTHER]))
    clients = await lists.create_list("Clientes", owner_id=user.id, now=NOW)
    await Contact.raw(
        "INSERT INTO arauto_list_member (contact_list, contact, added_at) SELECT {}, id, {} FROM arauto_contact",
        clients.id,
        NOW,
    )
    from_list = await make_campaign(user.id, instance.id)
    await CampaignList(campaign=from_list.id, contact_list=clients.id, exclude=False).save()
    await WhatsappCheck(
        owner=user.id, phone=PHONE, on_whatsapp=True, jid=f"{PHONE}@s.whatsapp.net", checked_at=NOW
    ).save()
    reply = {"data": {"key": {"remoteJid": f"{PHONE}@s.whatsapp.net"}, "pushName": "Ana", "message": "oi"}}
    receipt = {"data": {"key": {"remoteJid": f"{OTHER}@s.whatsapp.net"}}}
    for key, payload in (("a", reply), ("b", receipt)):
        fields = {"event": "messages.upsert", "dedupe_key": key, "received_at": NOW, "processed_at": NOW}
        await WebhookEvent(instance=instance.id, payload=json.dumps(payload), **fields).save()
    await OptOut(owner=user.id, phone=PHONE, source="reply", created_at=NOW).save()
    token = await create_api_token(user.id, "tests", now=NOW)
    return {
        "user": user,
        "contact": contact,
        "headers": {"Authorization": f"Bearer {token}"},
        **{"done": done, "failed": failed, "running": running, "draft": draft, "from_list": from_list},
    }


async def counters(campaign_id: int) -> dict[str, int]:
    row = await Campaign.select(*(getattr(Campaign, name) for name in (*COUNTERS, "skipped_count"))).where(
        Campaign.id == campaign_id
    )
    return dict(row[0])


async def messages(campaign_id: int) -> dict[str, dict[str, Any]]:
    rows = await CampaignMessage.select().where(CampaignMessage.campaign == campaign_id)
    return {row["phone"]: row for row in rows}


async def delete(client: Any, world: dict[str, Any]) -> Any:
    return await client.delete(f"/api/contacts/{world['contact'].id}", headers=world["headers"])


async def test_started_campaigns_keep_every_status_time_and_cost_with_the_number_replaced(client, world):
    before = await messages(world["done"].id)
    done_counters = await counters(world["done"].id)
    assert (await delete(client, world)).status_code == 204
    marker = f"removed-{world['contact'].id}"
    after = await messages(world["done"].id)
    assert set(after) == {marker, OTHER}
    kept, was = after[marker], before[PHONE]
    for column in ("status", "sent_at", "read_at", "price", "row_number", "attempts", "evolution_id"):
        assert kept[column] == was[column], column
    assert (kept["raw_phone"], kept["whatsapp_jid"], kept["remote_jid"]) == (marker, "", "")
    variables = json.loads(kept["variables"]) if isinstance(kept["variables"], str) else kept["variables"]
    assert variables in ([], {})
    assert after[OTHER] == before[OTHER]
    assert await counters(world["done"].id) == done_counters
    [failed] = (await messages(world["failed"].id)).values()
    assert (failed["status"], failed["error"]) == (MessageStatus.FAILED.value, f"{marker} is not reachable")


async def test_a_running_campaigns_pending_message_is_skipped_and_a_drafts_recipient_dropped(client, world):
    assert (await delete(client, world)).status_code == 204
    marker = f"removed-{world['contact'].id}"
    running = await messages(world["running"].id)
    assert (running[marker]["status"], running[marker]["error"]) == (MessageStatus.SKIPPED.value, "Contact deleted")
    assert running[OTHER]["status"] == MessageStatus.PENDING.value
    assert await counters(world["running"].id) == {
        **dict.fromkeys(COUNTERS, 0),
        "total_recipients": 2,
        "pending_count": 1,
        "skipped_count": 1,
    }
    assert set(await messages(world["draft"].id)) == {OTHER}
    assert await counters(world["draft"].id) == {
        **dict.fromkeys(COUNTERS, 0),
        "total_recipients": 1,
        "pending_count": 1,
        "skipped_count": 0,
    }


async def test_the_number_appears_nowhere_but_on_the_opt_out_list(client, world):
    response = await delete(client, world)
    assert response.status_code == 204
    for table in all_tables():
        rows = await table.select()
        found = [row for row in rows if PHONE in json.dumps(row, default=str)]
        if table is OptOut:
            assert [row["phone"] for row in found] == [PHONE]  # the person's objection is still honoured
        else:
            assert found == [], table.__name__
    events = await WebhookEvent.select(WebhookEvent.dedupe_key)
    assert [row["dedupe_key"] for row in events] == ["b"]


async def test_the_number_is_gone_from_reports_exports_the_audience_and_a_new_contacts_history(client, world, login):
    await login(world["user"])
    assert (await post_form(client, f"/contacts/{world['contact'].id}/delete", {}, "/contacts")).status_code == 303
    assert await Contact.count().where(Contact.phone == PHONE) == 0
    for url in (
        f"/campaigns/{world['done'].id}/export.csv",
        f"/campaigns/{world['done'].id}/export.xlsx",
        "/contacts/export.csv",
        f"/campaigns/{world['done'].id}",
        f"/api/campaigns/{world['done'].id}/recipients",
        f"/api/campaigns/{world['from_list'].id}/audience",
    ):
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert PHONE.encode() not in answer.content and b"98888-0001" not in answer.content, url
    audience = (await client.get(f"/api/campaigns/{world['from_list'].id}/audience")).json()
    assert (audience["listed"], audience["numbers"]["listed"]) == (1, [OTHER])
    again = await create_contact(PHONE, owner_id=world["user"].id, attributes={}, tags=[], region="BR", now=NOW)
    history = await contact_history(again.id, owner_id=world["user"].id)
    assert (history["messages"], history["optedOutAt"] is not None) == ([], True)


async def test_an_anonymised_message_is_never_retried_nor_copied_into_a_duplicate(client, world):
    assert (await delete(client, world)).status_code == 204
    with pytest.raises(IllegalTransition):
        await retry_failed(world["failed"].id, owner_id=world["user"].id, now=NOW)
    copy = await duplicate(world["done"].id, owner_id=world["user"].id, now=NOW)
    assert set(await messages(copy.id)) == {OTHER}


async def test_deleting_is_refused_while_a_message_to_the_number_is_being_sent(client, world):
    await CampaignMessage.update({CampaignMessage.status: MessageStatus.SENDING.value}).where(
        (CampaignMessage.campaign == world["running"].id) & (CampaignMessage.phone == PHONE)
    )
    answer = await delete(client, world)
    assert answer.status_code == 409, answer.text
    assert await Contact.count().where(Contact.phone == PHONE) == 1
    assert PHONE in await messages(world["done"].id)
