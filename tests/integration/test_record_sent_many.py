"""A group commit's SENT outcomes are written by one UPDATE: only rows still this worker's claim move, each once,
with its key id, JID, time and price, and the counters move by what moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models import sending
from models.sending import SentRecord
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance

AT = datetime(2026, 3, 2, 12, 0, 0, 123456, tzinfo=UTC)


async def test_one_batch_moves_only_this_workers_claims_each_once(make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id, cost_per_message=Decimal("0.0250"))
    rows = [{"phone": f"55119{n:08d}", "status": MessageStatus.SENDING} for n in range(4)]
    campaign = await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    ids = [r["id"] for r in await CampaignMessage.select(CampaignMessage.id).order_by(CampaignMessage.id)]
    await CampaignMessage.update({CampaignMessage.claimed_by: "me"}).where(CampaignMessage.id.is_in(ids[:3]))
    await CampaignMessage.update({CampaignMessage.claimed_by: "other"}).where(CampaignMessage.id == ids[3])
    records = [
        SentRecord(ids[0], "K0", "a@s.whatsapp.net", AT),
        SentRecord(ids[1], "K1", "b@s.whatsapp.net", AT + timedelta(seconds=1)),
        SentRecord(ids[3], "K3", "d@s.whatsapp.net", AT),  # another worker's claim
        SentRecord(ids[1], "K1", "b@s.whatsapp.net", AT),  # the same outcome twice in one batch
        SentRecord(ids[2] + 1000, "K9", "z@s.whatsapp.net", AT),  # no such message
    ]

    result = await sending.record_sent_many(records, worker="me")

    assert result == [campaign.id, campaign.id, None, None, None]
    stored = {
        r["id"]: r
        for r in await CampaignMessage.select(
            CampaignMessage.id,
            CampaignMessage.status,
            CampaignMessage.evolution_id,
            CampaignMessage.remote_jid,
            CampaignMessage.sent_at,
            CampaignMessage.claimed_by,
            CampaignMessage.price,
        )
    }
    assert [stored[i]["status"] for i in ids] == ["SENT", "SENT", "SENDING", "SENDING"]
    assert (stored[ids[0]]["evolution_id"], stored[ids[0]]["remote_jid"]) == ("K0", "a@s.whatsapp.net")
    assert stored[ids[1]]["sent_at"] == AT + timedelta(seconds=1)
    assert stored[ids[0]]["sent_at"] == AT and stored[ids[0]]["claimed_by"] == ""
    assert Decimal(stored[ids[0]]["price"]) == Decimal("0.0250")
    assert stored[ids[2]]["claimed_by"] == "me" and stored[ids[3]]["claimed_by"] == "other"
    counters = await Campaign.select(Campaign.sent_count, Campaign.pending_count).where(Campaign.id == campaign.id)
    assert counters == [{"sent_count": 2, "pending_count": 2}]


async def test_without_a_worker_any_sending_row_moves_and_large_batches_are_chunked(make_user) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    count = sending.SENT_CHUNK + 3
    rows = [{"phone": f"55118{n:08d}", "status": MessageStatus.SENDING} for n in range(count)]
    campaign = await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    ids = [r["id"] for r in await CampaignMessage.select(CampaignMessage.id)]

    result = await sending.record_sent_many([SentRecord(i, f"K{i}", "", AT) for i in ids], worker=None)

    assert result == [campaign.id] * count
    counters = await Campaign.select(Campaign.sent_count, Campaign.pending_count).where(Campaign.id == campaign.id)
    assert counters == [{"sent_count": count, "pending_count": 0}]
    keys = {r["evolution_id"] for r in await CampaignMessage.select(CampaignMessage.evolution_id)}
    assert keys == {f"K{i}" for i in ids}
