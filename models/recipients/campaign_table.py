"""The recipients table of a campaign page (filter, search, pages of 50) and "retry failed".

Retry puts FAILED recipients back to PENDING with their attempts reset and moves the counters in the same
transaction, through the lifecycle's RETRY_FAILED transition: allowed from PAUSED, COMPLETED or FAILED (never while
RUNNING, never for CANCELLED), and the campaign is left PAUSED with a reason, so the user decides when to resume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.campaigns import lifecycle
from models.db import atomic
from models.errors import IllegalTransition
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage

PAGE_SIZE = 50


@dataclass(frozen=True)
class RecipientRow:
    phone: str
    variables: dict[str, Any]
    status: str
    attempts: int
    error: str
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None


@dataclass(frozen=True)
class RecipientPage:
    rows: list[RecipientRow]
    page: int
    pages: int
    total: int
    status: str
    search: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_variables(raw: Any) -> dict[str, Any]:
    """JSON columns come back as text on both engines; a bad value shows as no variables, not a crash."""
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _filters(campaign_id: int, status: str, search: str) -> Any:
    where: Any = CampaignMessage.campaign == campaign_id
    if status in MessageStatus.__members__:
        where &= CampaignMessage.status == status
    digits = "".join(ch for ch in search if ch.isdigit())
    if digits:
        where &= CampaignMessage.phone.like(f"%{digits}%")
    return where


async def recipient_page(campaign_id: int, *, status: str = "", search: str = "", page: int = 1) -> RecipientPage:
    """One page of a campaign's recipients in import order; an unknown status filter shows every status."""
    status = status if status in MessageStatus.__members__ else ""
    where = _filters(campaign_id, status, search)
    total = int(await CampaignMessage.count().where(where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (
        await CampaignMessage.select(
            CampaignMessage.phone,
            CampaignMessage.variables,
            CampaignMessage.status,
            CampaignMessage.attempts,
            CampaignMessage.error,
            CampaignMessage.sent_at,
            CampaignMessage.delivered_at,
            CampaignMessage.read_at,
        )
        .where(where)
        .order_by(CampaignMessage.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return RecipientPage(
        rows=[RecipientRow(**{**row, "variables": parse_variables(row["variables"])}) for row in rows],
        page=page,
        pages=pages,
        total=total,
        status=status,
        search=search,
    )


async def retry_failed(campaign_id: int, *, owner_id: int, now: datetime) -> int:
    """Failed recipients back to PENDING (attempts reset) and the counters moved, in one transaction.

    Returns how many were put back; raises IllegalTransition when the campaign is running or cancelled, or when
    nothing failed (the campaign is then left as it was).
    """
    async with atomic():
        failed = await CampaignMessage.count().where(
            (CampaignMessage.campaign == campaign_id) & (CampaignMessage.status == MessageStatus.FAILED.value)
        )
        campaign = await Campaign.objects().where((Campaign.id == campaign_id) & (Campaign.owner == owner_id)).first()
        if campaign is not None and lifecycle.can_retry_failed(campaign.status) and not failed:
            raise IllegalTransition("There are no failed recipients to retry.")
        campaign = await lifecycle.apply(
            campaign_id, lifecycle.Action.RETRY_FAILED, owner_id=owner_id, now=now, reason=lifecycle.RETRY_REASON
        )
        moved = await (
            CampaignMessage.update(
                {
                    CampaignMessage.status: MessageStatus.PENDING.value,
                    CampaignMessage.attempts: 0,
                    CampaignMessage.error: "",
                    CampaignMessage.failed_at: None,
                    CampaignMessage.next_attempt_at: None,
                }
            )
            .where((CampaignMessage.campaign == campaign.id) & (CampaignMessage.status == MessageStatus.FAILED.value))
            .returning(CampaignMessage.id)
        )
        await Campaign.update(
            {
                Campaign.pending_count: Campaign.pending_count + len(moved),
                Campaign.failed_count: Campaign.failed_count - len(moved),
            }
        ).where(Campaign.id == campaign.id)
    return len(moved)
