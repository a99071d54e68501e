"""Sends per minute: one grouped query on both engines, gaps filled, long campaigns folded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.campaigns.send_history import fold, send_history
from models.statuses import MessageStatus
from models.tables import CampaignMessage
from tests.factories import make_campaign

START = datetime(2026, 1, 5, 12, 0, 10, tzinfo=UTC)


async def test_sends_are_counted_per_minute_with_gaps_as_zero(make_user) -> None:
    user = await make_user()
    rows = [{"phone": f"551199990{n:04d}", "status": MessageStatus.SENT} for n in range(5)]
    campaign = await make_campaign(user.id, None, recipients=rows)
    offsets = [0, 20, 40, 180, 185]  # seconds after START: three in minute 0, two in minute 3
    for offset, row in zip(offsets, rows, strict=True):
        await CampaignMessage.update({CampaignMessage.sent_at: START + timedelta(seconds=offset)}).where(
            CampaignMessage.phone == row["phone"]
        )
    buckets = await send_history(campaign.id)
    assert [(b.start.strftime("%H:%M"), b.sends) for b in buckets] == [
        ("12:00", 3), ("12:01", 0), ("12:02", 0), ("12:03", 2)
    ]


def test_a_long_campaign_is_folded_into_at_most_the_bucket_limit() -> None:
    minute = datetime(2026, 1, 5, tzinfo=UTC)
    counts = {minute + timedelta(minutes=m): 1 for m in range(1000)}
    buckets = fold(counts, max_buckets=100)
    assert len(buckets) == 100 and {b.minutes for b in buckets} == {10}
    assert sum(b.sends for b in buckets) == 1000
