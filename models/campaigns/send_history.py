"""Sends per minute over a campaign's life: one grouped query on (campaign, sent_at), the chart's data.

Only the minutes that had sends come back from the database; the gaps are filled here, and a long campaign is
folded into at most MAX_BUCKETS bars so a day-long send still draws as a readable chart.

The live page asks again after every send, from every open tab: grouping 60,000 sends takes ~125 ms on SQLite, so
an app keeps a `Remembered` (the counts per minute of the campaigns it drew lately) and reads only the sends from
the last minute it counted onwards. The remembered counts are used only while they add up to the campaign's
`sent_count` (which moves in the same transaction as `sent_at`); otherwise the whole history is read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from models.engines import is_postgres
from models.recent import Recent
from models.tables import CampaignMessage

MAX_BUCKETS = 120
TABLE = CampaignMessage._meta.tablename

POSTGRES_SQL = (
    f"SELECT date_trunc('minute', sent_at) AS minute, count(*) AS sends FROM {TABLE} "  # noqa: S608 (constant names)
    "WHERE campaign = {} AND sent_at >= {} GROUP BY 1 ORDER BY 1"
)
SQLITE_SQL = (
    f"SELECT strftime('%Y-%m-%d %H:%M', sent_at) AS minute, count(*) AS sends FROM {TABLE} "  # noqa: S608
    "WHERE campaign = {} AND sent_at >= {} GROUP BY 1 ORDER BY 1"
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# The sends per minute of the campaigns an app drew lately, by campaign id.
Remembered = Recent[int, dict[datetime, int]]


@dataclass(frozen=True)
class Bucket:
    start: datetime
    minutes: int
    sends: int

    @property
    def per_minute(self) -> float:
        return self.sends / self.minutes


def parse_minute(value: Any) -> datetime:
    """A minute from either engine: a datetime (PostgreSQL) or 'YYYY-MM-DD HH:MM' text in UTC (SQLite)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(str(value), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


async def _read(campaign_id: int, since: datetime) -> dict[datetime, int]:
    sql = POSTGRES_SQL if is_postgres(CampaignMessage._meta.db) else SQLITE_SQL
    rows = await CampaignMessage.raw(sql, campaign_id, since)
    return {parse_minute(row["minute"]): int(row["sends"]) for row in rows if row["minute"] is not None}


async def sends_by_minute(
    campaign_id: int, *, sent_count: int | None = None, memory: Remembered | None = None
) -> dict[datetime, int]:
    """Sends per minute; given the campaign's `sent_count` and a `memory`, the remembered counts as they are when
    they add up to it (nothing was sent since), else plus the minutes since the last one they hold (that minute is
    read again: it may have grown)."""
    known = memory.get(campaign_id) if memory is not None else None
    counts: dict[datetime, int] | None = None
    if known is not None and sent_count is not None and sum(known.values()) == sent_count:
        return known
    if known is not None and sent_count is not None:
        last = max(known, default=EPOCH)
        counts = {minute: n for minute, n in known.items() if minute < last} | await _read(campaign_id, last)
        if sum(counts.values()) != sent_count:
            counts = None
    if counts is None:
        counts = await _read(campaign_id, EPOCH)
    if memory is not None:
        memory.put(campaign_id, counts)
    return counts


def fold(counts: dict[datetime, int], max_buckets: int = MAX_BUCKETS) -> list[Bucket]:
    """Every minute from the first send to the last (gaps as zero), merged so there are at most `max_buckets`."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    span = int((last - first).total_seconds() // 60) + 1
    width = -(-span // max_buckets)
    buckets = []
    for index in range(-(-span // width)):
        start = first + timedelta(minutes=index * width)
        minutes = min(width, span - index * width)
        sends = sum(counts.get(start + timedelta(minutes=m), 0) for m in range(minutes))
        buckets.append(Bucket(start=start, minutes=minutes, sends=sends))
    return buckets


async def send_history(
    campaign_id: int, *, sent_count: int | None = None, memory: Remembered | None = None
) -> list[Bucket]:
    return fold(await sends_by_minute(campaign_id, sent_count=sent_count, memory=memory))
