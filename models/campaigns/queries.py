"""The user's campaigns: filtered, sorted and paginated list, and the statistics pages and API show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count, Sum

from models.api_json import camel_json
from models.errors import N_, Message, ValidationFailed
from models.ownership import owned_by
from models.statuses import LIVE_CAMPAIGN_STATUSES, CampaignStatus
from models.tables import Campaign, Instance

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
SORT_COLUMNS = {
    "name": Campaign.name,
    "createdAt": Campaign.created_at,
    "scheduledFor": Campaign.scheduled_for,
    "status": Campaign.status,
}
SORT_ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class CampaignFilter:
    """The list's query: every field optional; `checked()` refuses values outside the allowed sets."""

    status: str = ""
    instance_id: int | None = None
    search: str = ""
    sort_by: str = "createdAt"
    sort_order: str = "desc"
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def checked(self) -> CampaignFilter:
        errors: dict[str, str] = {}
        if self.status and self.status not in CampaignStatus.__members__:
            errors["status"] = Message(N_("Unknown status; use one of %(choices)s."), choices=", ".join(CampaignStatus))
        if self.sort_by not in SORT_COLUMNS:
            errors["sortBy"] = Message(N_("Sort by one of %(choices)s."), choices=", ".join(SORT_COLUMNS))
        if self.sort_order not in SORT_ORDERS:
            errors["sortOrder"] = N_("Sort order is asc or desc.")
        if not 1 <= self.limit <= MAX_LIMIT:
            errors["limit"] = Message(N_("The limit must be between 1 and %(limit)s."), limit=MAX_LIMIT)
        if self.offset < 0:
            errors["offset"] = N_("The offset cannot be negative.")
        if errors:
            raise ValidationFailed(errors)
        return self


@dataclass(frozen=True)
class CampaignPage:
    items: list[Campaign]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


@dataclass(frozen=True)
class CampaignStats:
    total: int
    active: int
    completed: int
    messages_sent: int
    average_delivery_rate: float  # delivered / sent over all the user's campaigns, 0 when nothing was sent

    def as_json(self) -> dict[str, Any]:
        return camel_json(self)


def _where(owner_id: int, query: CampaignFilter) -> Any:
    where: Any = owned_by(Campaign, owner_id)
    if query.status:
        where &= Campaign.status == query.status
    if query.instance_id is not None:
        where &= Campaign.instance == query.instance_id
    if query.search.strip():
        pattern = f"%{_escape_like(query.search.strip().lower())}%"
        where &= WhereRaw("lower(name) LIKE {} ESCAPE '\\'", pattern)
    return where


def _escape_like(text: str) -> str:
    """`%` and `_` typed by the user are literal characters (the LIKE says ESCAPE '\\' on both engines)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_campaigns(owner_id: int, query: CampaignFilter) -> CampaignPage:
    """One page of the user's campaigns and how many match in all; ties sort by id for a stable order."""
    query = query.checked()
    where = _where(owner_id, query)
    ascending = query.sort_order == "asc"
    rows = (
        await Campaign.objects()
        .where(where)
        .order_by(SORT_COLUMNS[query.sort_by], ascending=ascending)
        .order_by(Campaign.id, ascending=ascending)
        .limit(query.limit)
        .offset(query.offset)
    )
    total = await Campaign.count().where(where)
    return CampaignPage(items=list(rows), total=int(total), limit=query.limit, offset=query.offset)


async def stats(owner_id: int) -> CampaignStats:
    """Totals in one aggregate query per figure group, straight from the counters on the campaign rows."""
    by_status = (
        await Campaign.select(Campaign.status, Count(Campaign.id, alias="n"))
        .where(owned_by(Campaign, owner_id))
        .group_by(Campaign.status)
    )
    counts = {row["status"]: int(row["n"]) for row in by_status}
    sums = await Campaign.select(
        Sum(Campaign.sent_count, alias="sent"), Sum(Campaign.delivered_count, alias="delivered")
    ).where(owned_by(Campaign, owner_id))
    sent, delivered = int(sums[0]["sent"] or 0), int(sums[0]["delivered"] or 0)
    return CampaignStats(
        total=sum(counts.values()),
        active=sum(counts.get(s.value, 0) for s in LIVE_CAMPAIGN_STATUSES),
        completed=counts.get(CampaignStatus.COMPLETED.value, 0),
        messages_sent=sent,
        average_delivery_rate=round(delivered / sent, 4) if sent else 0.0,
    )


async def instance_choices(owner_id: int) -> list[dict[str, Any]]:
    """The user's instances as (id, name) for the form's and the filter's select."""
    rows = await Instance.select(Instance.id, Instance.name).where(owned_by(Instance, owner_id)).order_by(Instance.name)
    return list(rows)
