"""The recipients table of a campaign page (filter, search, pages of 50) and "retry failed".

Retry puts the retryable FAILED recipients back to PENDING with their attempts reset and moves the counters in the same
transaction, through the lifecycle's RETRY_FAILED transition: allowed from PAUSED, COMPLETED or FAILED (never while
RUNNING, never for CANCELLED), and the campaign is left PAUSED with a reason, so the user decides when to resume.
A failure that cannot succeed on a second try (the number is not on WhatsApp: Evolution answered `exists: false`,
which is also how it answers an invalid number) is neither offered nor moved. A failure Evolution refused for what
we sent (bad media, empty text) stays retryable: the message can be edited while the campaign is paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.campaigns import lifecycle
from models.campaigns.history import Who
from models.db import atomic
from models.errors import IllegalTransition
from models.phones import REMOVED_LIKE, jid_differs
from models.recent import Recent
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage
from models.variables import decode, parse_names

PAGE_SIZE = 50
# What a recipient shows wherever it is listed (this table, the CSV report): its number and values, where it stands
# and when it got there, the WhatsApp address the pre-check resolved.
RECIPIENT_COLUMNS = (
    CampaignMessage.phone,
    CampaignMessage.variables,
    CampaignMessage.status,
    CampaignMessage.error,
    CampaignMessage.sent_at,
    CampaignMessage.delivered_at,
    CampaignMessage.read_at,
    CampaignMessage.whatsapp_jid,
)
# The dispatcher records a number Evolution does not know as "<number> is not on WhatsApp" (scheduler's
# RecipientRejected); a SQL LIKE pattern, matched on our own text, never on user input.
NOT_ON_WHATSAPP_LIKE = "%is not on WhatsApp"


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
    whatsapp_jid: str = ""

    @property
    def jid_differs(self) -> bool:
        return jid_differs(self.phone, self.whatsapp_jid)


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


async def variable_names(campaign_id: int) -> list[str]:
    """The campaign's variable names, to decode its recipients' values (models/variables.py)."""
    row = await Campaign.select(Campaign.variable_names).where(Campaign.id == campaign_id).first()
    return parse_names(row["variable_names"]) if row else []


def _filters(campaign_id: int, status: str, search: str) -> Any:
    where: Any = CampaignMessage.campaign == campaign_id
    if status in MessageStatus.__members__:
        where &= CampaignMessage.status == status
    digits = "".join(ch for ch in search if ch.isdigit())
    if digits:
        where &= CampaignMessage.phone.like(f"%{digits}%")
    return where


async def recipient_page(
    campaign_id: int, *, status: str = "", search: str = "", page: int = 1, total: int | None = None
) -> RecipientPage:
    """One page of a campaign's recipients in import order; an unknown status filter shows every status.

    `total` is the campaign's `total_recipients`: unfiltered, it is the count (the counters equal a count by
    status), which spares counting 100,000 rows on every refresh of the live page."""
    status = status if status in MessageStatus.__members__ else ""
    where = _filters(campaign_id, status, search)
    unfiltered = not status and not any(ch.isdigit() for ch in search)
    if total is None or not unfiltered:
        total = int(await CampaignMessage.count().where(where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (
        await CampaignMessage.select(*RECIPIENT_COLUMNS, CampaignMessage.attempts)
        .where(where)
        .order_by(CampaignMessage.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    names = await variable_names(campaign_id)
    return RecipientPage(
        rows=[RecipientRow(**{**row, "variables": decode(names, row["variables"])}) for row in rows],
        page=page,
        pages=pages,
        total=total,
        status=status,
        search=search,
    )


# Recipient pages as a live page last drew them: (campaign id, created at, as_of, status, search, page) -> page.
LivePages = Recent[tuple[int, Any, str, str, str, int], RecipientPage]


async def live_recipient_page(
    campaign: Campaign, *, as_of: str, memory: LivePages, status: str = "", search: str = "", page: int = 1
) -> RecipientPage:
    """The page every open tab of a running campaign re-reads after each send: read once per `as_of` (a
    fingerprint of the campaign's status and counters) and filter, then shared."""
    key = (campaign.id, campaign.created_at, as_of, status, search, page)
    return await memory.shared(
        key,
        lambda: recipient_page(campaign.id, status=status, search=search, page=page, total=campaign.total_recipients),
    )


def _retryable(campaign_id: int) -> Any:
    return (
        (CampaignMessage.campaign == campaign_id)
        & (CampaignMessage.status == MessageStatus.FAILED.value)
        & CampaignMessage.error.not_like(NOT_ON_WHATSAPP_LIKE)
        & CampaignMessage.phone.not_like(REMOVED_LIKE)  # a deleted contact's message is never sent again
    )


async def retryable_failures(campaign_id: int) -> int:
    """How many failed recipients a retry would put back (the retry card's count)."""
    return int(await CampaignMessage.count().where(_retryable(campaign_id)))


async def retry_failed(campaign_id: int, *, owner_id: int, now: datetime, who: Who | None = None) -> int:
    """Retryable failed recipients back to PENDING (attempts reset) and the counters moved, in one transaction.

    Returns how many were put back; raises IllegalTransition when the campaign is running or cancelled, or when
    nothing retryable failed (the campaign is then left as it was).
    """
    async with atomic():
        campaign = await Campaign.objects().where((Campaign.id == campaign_id) & (Campaign.owner == owner_id)).first()
        startable = campaign is not None and lifecycle.can_retry_failed(campaign.status)
        if startable and not await retryable_failures(campaign_id):
            raise IllegalTransition("There are no failed recipients that a retry could reach.")
        campaign = await lifecycle.apply(
            campaign_id,
            lifecycle.Action.RETRY_FAILED,
            owner_id=owner_id,
            now=now,
            reason=lifecycle.RETRY_REASON,
            who=who,
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
            .where(_retryable(campaign.id))
            .returning(CampaignMessage.id)
        )
        await Campaign.update(
            {
                Campaign.pending_count: Campaign.pending_count + len(moved),
                Campaign.failed_count: Campaign.failed_count - len(moved),
            }
        ).where(Campaign.id == campaign.id)
    return len(moved)
