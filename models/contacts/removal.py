"""Deleting a contact: the person goes, the campaigns' records stay whole and anonymous.

In ONE transaction:
- campaigns not started yet (DRAFT, SCHEDULED) drop the number from their recipients (nothing was sent to it; their
  counters move with it), as if it had never been imported;
- started campaigns keep every message to the number with its status, times, attempts and cost, so reports,
  counters, usage and charts stay exact; a message still PENDING becomes SKIPPED (`CONTACT_DELETED`) with the
  counters moved, and every message loses what identifies the person: the phone and the phone as typed become
  `removed-<contact id>` (stable, unique per deleted contact, and saying nothing of the number), the variables are
  emptied, the WhatsApp JIDs cleared, and the number inside an error text is replaced by the marker;
- the WhatsApp check kept for the number and the processed webhook events that carry its JID (the person's name
  and words) are deleted;
- the contact row and its list memberships go.

The opt-out of the number, if any, is KEPT: it is the person's own instruction not to be contacted, and the only
thing that honours it when the number comes back (a re-import, a CSV, a list shared by a colleague). Anonymising
it would make the number reachable again, exactly what the person asked against; keeping a number in order to
honour its owner's objection is what LGPD art. 16 and GDPR art. 17(3) allow. It shows on the opt-outs page only.

Refused (409) while a message to the number is being sent (SENDING, for seconds): its outcome is still to come.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from models.contacts.contacts import get_contact
from models.db import atomic
from models.engines import is_postgres
from models.errors import N_, IllegalTransition
from models.phones import removed_marker
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Contact, WebhookEvent, WhatsappCheck

CONTACT_DELETED = N_("Contact deleted")  # the error of a pending message skipped because its contact was deleted
NOT_STARTED = (CampaignStatus.DRAFT.value, CampaignStatus.SCHEDULED.value)

_ANONYMISE = (
    "UPDATE arauto_campaign_message SET phone = {}, raw_phone = {}, variables = '[]', whatsapp_jid = '', "
    "remote_jid = '', error = REPLACE(error, {}, {}) "
    "WHERE phone = {} AND campaign IN (SELECT id FROM arauto_campaign WHERE owner = {})"
)
_FORGET_EVENTS = (
    "DELETE FROM arauto_webhook_event WHERE processed_at IS NOT NULL "
    "AND instance IN (SELECT id FROM arauto_instance WHERE owner = {}) AND {payload} LIKE {}"
)


async def delete_contact(contact_id: int, *, owner_id: int) -> None:
    """Delete the contact and anonymise every trace of its number in the owner's campaigns (see the module)."""
    contact = await get_contact(contact_id, owner_id=owner_id)
    phone, marker = contact.phone, removed_marker(contact.id)
    owned = Campaign.select(Campaign.id).where(Campaign.owner == owner_id)
    not_started = Campaign.select(Campaign.id).where(
        (Campaign.owner == owner_id) & Campaign.status.is_in(list(NOT_STARTED))
    )
    to_number = (CampaignMessage.phone == phone) & CampaignMessage.campaign.is_in(owned)
    async with atomic():
        if await CampaignMessage.exists().where(to_number & (CampaignMessage.status == MessageStatus.SENDING.value)):
            raise IllegalTransition(
                N_("A message to this number is being sent right now; delete the contact again in a minute.")
            )
        await _drop_unsent(phone, not_started)
        await _skip_pending(to_number)
        await CampaignMessage.raw(_ANONYMISE, marker, marker, phone, marker, phone, owner_id)
        await WhatsappCheck.delete().where((WhatsappCheck.owner == owner_id) & (WhatsappCheck.phone == phone))
        payload = "payload::text" if is_postgres(Contact._meta.db) else "payload"
        await WebhookEvent.raw(_FORGET_EVENTS.replace("{payload}", payload), owner_id, f"%{phone}@%")
        await Contact.delete().where((Contact.id == contact.id) & (Contact.owner == owner_id))


async def _drop_unsent(phone: str, not_started: Any) -> None:
    """The number leaves the recipients of campaigns that have not started; their counters follow."""
    dropped = (
        await CampaignMessage.delete()
        .where((CampaignMessage.phone == phone) & CampaignMessage.campaign.is_in(not_started))
        .returning(CampaignMessage.campaign, CampaignMessage.status)
    )
    for (campaign_id, status), count in Counter((row["campaign"], row["status"]) for row in dropped).items():
        counter = Campaign.skipped_count if status == MessageStatus.SKIPPED.value else Campaign.pending_count
        await Campaign.update(
            {Campaign.total_recipients: Campaign.total_recipients - count, counter: counter - count}
        ).where(Campaign.id == campaign_id)


async def _skip_pending(to_number: Any) -> None:
    """A started campaign's pending message to the number is never sent: SKIPPED, counters moved."""
    skipped = (
        await CampaignMessage.update(
            {CampaignMessage.status: MessageStatus.SKIPPED.value, CampaignMessage.error: CONTACT_DELETED}
        )
        .where(to_number & (CampaignMessage.status == MessageStatus.PENDING.value))
        .returning(CampaignMessage.campaign)
    )
    for campaign_id, count in Counter(row["campaign"] for row in skipped).items():
        await Campaign.update(
            {
                Campaign.pending_count: Campaign.pending_count - count,
                Campaign.skipped_count: Campaign.skipped_count + count,
            }
        ).where(Campaign.id == campaign_id)
