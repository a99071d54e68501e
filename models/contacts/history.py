"""A contact's history: the campaigns that wrote to its number, each message's status and times, and its opt-out.

Read from the campaigns' own messages (matched by number), so it survives the contact being deleted and re-added.
"""

from __future__ import annotations

from typing import Any

from models.contacts.contacts import get_contact
from models.tables import CampaignMessage, OptOut

MAX_ROWS = 100

_MESSAGES = (
    "SELECT m.campaign, c.name, m.status, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.error "
    "FROM arauto_campaign c JOIN arauto_campaign_message m ON m.campaign = c.id AND m.phone = {} "
    "WHERE c.owner = {} ORDER BY m.id DESC LIMIT {}"
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


async def contact_history(contact_id: int, *, owner_id: int) -> dict[str, Any]:
    """The latest messages to the contact's number (newest first) and when it opted out, if it did."""
    contact = await get_contact(contact_id, owner_id=owner_id)
    rows = await CampaignMessage.raw(_MESSAGES, contact.phone, owner_id, MAX_ROWS)
    opt_out = (
        await OptOut.select(OptOut.created_at, OptOut.source)
        .where((OptOut.owner == owner_id) & (OptOut.phone == contact.phone))
        .first()
    )
    return {
        "messages": [
            {
                "campaignId": row["campaign"],
                "campaignName": row["name"],
                "status": row["status"],
                "sentAt": _iso(row["sent_at"]),
                "deliveredAt": _iso(row["delivered_at"]),
                "readAt": _iso(row["read_at"]),
                "failedAt": _iso(row["failed_at"]),
                "error": row["error"] or None,
            }
            for row in rows
        ],
        "optedOutAt": _iso(opt_out["created_at"]) if opt_out else None,
        "optOutSource": opt_out["source"] if opt_out else None,
    }
