"""A campaign's recipients, filtered and paged, for the API and the per-recipient table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.api_json import camel_json
from models.errors import N_, Message, ValidationFailed
from models.ownership import get_own
from models.phones import jid_differs
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage
from models.variables import decode, parse_names

MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class RecipientView:
    phone: str
    raw_phone: str
    variables: dict[str, Any]
    status: str
    error: str
    attempts: int
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    replied_at: datetime | None = None
    whatsapp_jid: str = ""

    def as_json(self) -> dict[str, Any]:
        return camel_json(
            self, whatsappJid=self.whatsapp_jid or None, whatsappJidDiffers=jid_differs(self.phone, self.whatsapp_jid)
        )


@dataclass(frozen=True, slots=True)
class RecipientPage:
    items: list[RecipientView]
    total: int


async def list_recipients(
    campaign_id: int, *, owner_id: int, status: str | None = None, search: str = "", limit: int = 50, offset: int = 0
) -> RecipientPage:
    """One page of the campaign's recipients in file order; `search` matches digits anywhere in the phone."""
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    where: Any = CampaignMessage.campaign == campaign_id
    if status:
        if status.upper() not in MessageStatus.__members__:
            raise ValidationFailed(
                {
                    "status": Message(
                        N_("Unknown status “%(status)s”: use one of %(choices)s."),
                        status=status,
                        choices=", ".join(MessageStatus),
                    )
                }
            )
        where &= CampaignMessage.status == status.upper()
    digits = "".join(ch for ch in search if ch.isdigit())
    if digits:
        where &= CampaignMessage.phone.like(f"%{digits}%")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed({"limit": Message(N_("must be between 1 and %(limit)s"), limit=MAX_LIMIT)})
    if offset < 0:
        raise ValidationFailed({"offset": N_("must be 0 or more")})
    total = await CampaignMessage.count().where(where)
    rows = await CampaignMessage.select().where(where).order_by(CampaignMessage.id).limit(limit).offset(offset)
    names = parse_names(campaign.variable_names)
    return RecipientPage([_view(row, names) for row in rows], total)


def _view(row: dict[str, Any], names: list[str]) -> RecipientView:
    return RecipientView(
        phone=row["phone"],
        raw_phone=row["raw_phone"],
        variables=decode(names, row["variables"]),
        status=row["status"],
        error=row["error"],
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        delivered_at=row["delivered_at"],
        read_at=row["read_at"],
        replied_at=row["replied_at"],
        whatsapp_jid=row["whatsapp_jid"],
    )
