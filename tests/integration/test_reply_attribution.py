"""Replies (issue 15, item 5): a message from a recipient within 72 hours of a send is attributed to that campaign,
once per recipient (`repliedCount` on the campaign and its funnel, `repliedAt` per recipient and in the report)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, OptOut
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html
from tests.webhooks import PHONE, example, post_event


async def sent_campaign(owner_id: int, instance_id: int, sent_ago: timedelta, clock) -> int:
    rows = recipient_rows([PHONE, "5511900000001"])
    for row in rows:
        row["status"] = MessageStatus.SENT
    campaign = await make_campaign(owner_id, instance_id, recipients=rows, status=CampaignStatus.COMPLETED)
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - sent_ago}).where(
        CampaignMessage.campaign == campaign.id
    )
    return int(campaign.id)


def reply(text: str = "Quero saber mais") -> dict[str, Any]:
    body = example("messages-upsert.quoted-reply")
    body["data"]["message"]["conversation"] = text
    return body


async def test_a_reply_within_72_hours_counts_once_for_the_campaign_and_the_recipient(client, clock, make_user) -> None:
    owner = await make_user()
    instance = await make_instance(owner.id)
    campaign_id = await sent_campaign(owner.id, instance.id, timedelta(hours=71), clock)
    for _ in range(2):  # a second message (or a replayed webhook) counts nothing more
        assert (await post_event(client, instance, reply())).status_code == 200
    headers = {"Authorization": f"Bearer {await create_api_token(owner.id, 't', now=NOW)}"}
    assert (await client.get(f"/api/campaigns/{campaign_id}", headers=headers)).json()["repliedCount"] == 1
    recipients = (await client.get(f"/api/campaigns/{campaign_id}/recipients", headers=headers)).json()
    replied = {r["phone"]: r["repliedAt"] for r in recipients["items"]}
    assert replied[PHONE] is not None and replied["5511900000001"] is None


async def test_a_reply_after_72_hours_is_not_attributed(client, clock, make_user) -> None:
    owner = await make_user()
    instance = await make_instance(owner.id)
    campaign_id = await sent_campaign(owner.id, instance.id, timedelta(hours=73), clock)
    await post_event(client, instance, reply())
    row = (
        await CampaignMessage.select(CampaignMessage.replied_at)
        .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.phone == PHONE))
        .first()
    )
    assert row["replied_at"] is None


async def test_a_stop_reply_is_attributed_and_still_opts_out(client, clock, login, make_user) -> None:
    owner = await make_user()
    instance = await make_instance(owner.id)
    campaign_id = await sent_campaign(owner.id, instance.id, timedelta(hours=1), clock)
    await post_event(client, instance, reply("STOP"))
    await login(owner)
    page = html(await client.get(f"/campaigns/{campaign_id}"))
    bar = page.select_one("svg rect.bar-replied")
    assert bar is not None and bar["data-value"] == "1"
    assert await OptOut.select(OptOut.phone, OptOut.source) == [{"phone": PHONE, "source": "reply"}]
