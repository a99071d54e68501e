"""Sends per minute over a campaign's life: one grouped query on (campaign, sent_at), the chart's data.

Only the minutes that had sends come back from the database; the gaps are filled here, and a long campaign is
folded into at most MAX_BUCKETS bars so a day-long send still draws as a readable chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from models.engines import is_postgres
from models.tables import CampaignMessage

MAX_BUCKETS = 120
TABLE = CampaignMessage._meta.tablename

POSTGRES_SQL = (
    f"SELECT date_trunc('minute', sent_at) AS minute, count(*) AS sends FROM {TABLE} "  # noqa: S608 (constant names)
    "WHERE campaign = {} AND sent_at IS NOT NULL GROUP BY 1 ORDER BY 1"
)
SQLITE_SQL = (
    f"SELECT strftime('%Y-%m-%d %H:%M', sent_at) AS minute, count(*) AS sends FROM {TABLE} "  # noqa: S608
    "WHERE campaign = {} AND sent_at IS NOT NULL GROUP BY 1 ORDER BY 1"
)


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


async def sends_by_minute(campaign_id: int) -> dict[datetime, int]:
    sql = POSTGRES_SQL if is_postgres(CampaignMessage._meta.db) else SQLITE_SQL
    rows = await CampaignMessage.raw(sql, campaign_id)
    return {parse_minute(row["minute"]): int(row["sends"]) for row in rows if row["minute"] is not None}


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


async def send_history(campaign_id: int) -> list[Bucket]:
    return fold(await sends_by_minute(campaign_id))
