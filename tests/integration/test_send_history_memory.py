"""The remembered send history: a poll reads only the newest minutes, yet always draws what a full read draws."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.campaigns.send_history import Remembered, sends_by_minute
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign

START = datetime(2026, 1, 5, 12, 0, 10, tzinfo=UTC)


async def _send(campaign: Campaign, phone: str, seconds: int) -> int:
    """Play the sender: the message SENT at START + seconds, the counter moved with it; the new sent count."""
    await CampaignMessage.update(
        {CampaignMessage.status: MessageStatus.SENT.value, CampaignMessage.sent_at: START + timedelta(seconds=seconds)}
    ).where(CampaignMessage.phone == phone)
    await Campaign.update({Campaign.sent_count: Campaign.sent_count + 1}).where(Campaign.id == campaign.id)
    return int((await Campaign.objects().get(Campaign.id == campaign.id)).sent_count)


async def test_a_remembered_history_grows_by_the_new_minutes_like_a_full_read(make_user) -> None:
    user = await make_user()
    phones = [f"551199991{n:04d}" for n in range(5)]
    campaign = await make_campaign(user.id, None, recipients=[{"phone": p} for p in phones])
    memory = Remembered()
    sent = 0
    for phone, seconds in zip(phones, [0, 30, 50, 70, 200], strict=True):
        sent = await _send(campaign, phone, seconds)
        remembered = await sends_by_minute(campaign.id, sent_count=sent, memory=memory)
        assert remembered == await sends_by_minute(campaign.id)
    assert sorted(remembered.values()) == [1, 2, 2]  # 12:00, 12:01 and 12:03


async def test_a_remembered_history_that_no_longer_adds_up_is_read_again(make_user) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=[{"phone": "5511999920001"}])
    memory = Remembered()
    memory.put(campaign.id, {START.replace(second=0) - timedelta(minutes=5): 4})  # from a campaign deleted since
    sent = await _send(campaign, "5511999920001", 0)
    assert await sends_by_minute(campaign.id, sent_count=sent, memory=memory) == {START.replace(second=0): 1}
