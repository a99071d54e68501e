"""Usage: messages sent, delivered and failed, and their cost, per day (in the user's time zone), instance, campaign
or (for admins) user, from the recorded sends.

Cost is the sum of the price recorded on each message when it was sent (`CampaignMessage.price`), summed as whole
ten-thousandths so the total is exact on both engines (SQLite would otherwise sum NUMERIC as floating point).
Days are buckets with bounds computed in Python (right across daylight-saving changes), passed to one CASE in SQL,
so both engines group the same way without time-zone functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from models.errors import ValidationFailed
from models.tables import Campaign
from models.timezones import zone

UNITS = 10_000  # NUMERIC(12, 4): prices are summed in ten-thousandths
MAX_DAYS = 366


class GroupBy(StrEnum):
    DAY = "day"
    INSTANCE = "instance"
    CAMPAIGN = "campaign"
    USER = "user"  # admins only: every user's totals


@dataclass
class UsageRow:
    key: str
    label: str
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    cost: Decimal = field(default_factory=lambda: Decimal(0))


@dataclass(frozen=True)
class Usage:
    start: date
    end: date
    group_by: GroupBy
    rows: list[UsageRow]

    @property
    def total(self) -> UsageRow:
        total = UsageRow(key="total", label="Total")
        for row in self.rows:
            total.sent += row.sent
            total.delivered += row.delivered
            total.failed += row.failed
            total.cost += row.cost
        return total


def parse_period(start: str, end: str, *, today: date) -> tuple[date, date]:
    """`from` and `to` as YYYY-MM-DD (inclusive); empty: this month so far. At most MAX_DAYS days."""
    try:
        first = date.fromisoformat(start[:10]) if start else today.replace(day=1)
        last = date.fromisoformat(end[:10]) if end else today
    except ValueError:
        raise ValidationFailed({"from": "Use dates written as YYYY-MM-DD."}) from None
    if last < first or (last - first).days >= MAX_DAYS:
        raise ValidationFailed({"to": f"Choose a period of 1 to {MAX_DAYS} days, ending after it starts."})
    return first, last


def parse_group(value: str, *, is_admin: bool) -> GroupBy:
    try:
        group = GroupBy(value or "day")
    except ValueError:
        group = None
    if group is None or (group is GroupBy.USER and not is_admin):
        allowed = "day, instance, campaign" + (" or user" if is_admin else "")
        raise ValidationFailed({"groupBy": f"Group by {allowed}."})
    return group


def day_bounds(first: date, last: date, timezone: str) -> list[datetime]:
    """The instants at which each local day of the period starts, and the end of the last one."""
    tz = zone(timezone)
    days = (last - first).days + 1
    return [datetime.combine(first + timedelta(days=n), time(0), tzinfo=tz) for n in range(days + 1)]


def _bucket(column: str, bounds: list[datetime], params: list[Any]) -> str:
    """SQL naming the index of the local day `column` falls in (bounds are bound parameters)."""
    cases = []
    for index, bound in enumerate(bounds[1:]):
        cases.append(f"WHEN {column} < {{}} THEN '{index}'")
        params.append(bound)
    return "CASE " + " ".join(cases) + " END"


KEYS = {GroupBy.INSTANCE: "c.instance", GroupBy.CAMPAIGN: "m.campaign", GroupBy.USER: "c.owner"}
LABELS = {
    GroupBy.INSTANCE: "SELECT id, name AS label FROM arauto_instance WHERE id IN ({})",
    GroupBy.CAMPAIGN: "SELECT id, name AS label FROM arauto_campaign WHERE id IN ({})",
    GroupBy.USER: "SELECT id, email AS label FROM piccolo_user WHERE id IN ({})",
}


async def _aggregate(column: str, select: str, *, owner_id: int | None, group: GroupBy, bounds: list[datetime]) -> Any:
    params: list[Any] = []
    key = _bucket(f"m.{column}", bounds, params) if group is GroupBy.DAY else KEYS[group]
    where = f"m.{column} >= {{}} AND m.{column} < {{}}"
    params += [bounds[0], bounds[-1]]
    if owner_id is not None:
        where += " AND c.owner = {}"
        params.append(owner_id)
    # Only fixed fragments of this module are joined here; every value is a bound parameter.
    sql = (
        f"SELECT {key} AS k, {select} FROM arauto_campaign_message m "  # noqa: S608
        f"JOIN arauto_campaign c ON c.id = m.campaign WHERE {where} GROUP BY k"
    )
    return await Campaign.raw(sql, *params)


SENT_SELECT = (
    "COUNT(*) AS sent, SUM(CASE WHEN m.status IN ('DELIVERED', 'READ') THEN 1 ELSE 0 END) AS delivered, "
    f"SUM(CAST(ROUND(COALESCE(m.price, 0) * {UNITS}) AS BIGINT)) AS units"
)


async def usage(*, owner_id: int | None, first: date, last: date, group: GroupBy, timezone: str) -> Usage:
    """Usage of one user's campaigns (`owner_id`), or of everyone's (None: admins grouping by user)."""
    bounds = day_bounds(first, last, timezone)
    rows: dict[str, UsageRow] = {}
    if group is GroupBy.DAY:
        rows = {str(n): UsageRow(key=(first + timedelta(days=n)).isoformat(), label="") for n in range(len(bounds) - 1)}
    sent = await _aggregate("sent_at", SENT_SELECT, owner_id=owner_id, group=group, bounds=bounds)
    failed = await _aggregate("failed_at", "COUNT(*) AS failed", owner_id=owner_id, group=group, bounds=bounds)
    for row in sent:
        if row["k"] is None:
            continue
        target = rows.setdefault(str(row["k"]), UsageRow(key=str(row["k"]), label=""))
        target.sent, target.delivered = int(row["sent"]), int(row["delivered"] or 0)
        target.cost = Decimal(int(row["units"] or 0)) / UNITS
    for row in failed:
        if row["k"] is not None:
            rows.setdefault(str(row["k"]), UsageRow(key=str(row["k"]), label="")).failed = int(row["failed"])
    await _label(rows, group)
    ordered = list(rows.values())
    if group is not GroupBy.DAY:
        ordered.sort(key=lambda r: r.label)
    return Usage(start=first, end=last, group_by=group, rows=ordered)


async def _label(rows: dict[str, UsageRow], group: GroupBy) -> None:
    if group is GroupBy.DAY:
        for row in rows.values():
            row.label = row.key
        return
    ids = [int(key) for key in rows]
    if not ids:
        return
    names = await Campaign.raw(LABELS[group].format(", ".join("{}" for _ in ids)), *ids)
    by_id = {str(r["id"]): str(r["label"]) for r in names}
    for key, row in rows.items():
        row.label = by_id.get(key, key)
