"""Duplicate a campaign: a new, independent DRAFT with the same message, media, instance, pacing and lists.

Recipients imported from a file or given inline (row number 1 and up) come along as PENDING, re-screened against
today's opt-outs; the members its lists gave at Start (row number 0) do not: the copy freezes its lists afresh
when it starts, and neither does a deleted contact's anonymised message. No state, attempt, time or counter of the
original is copied.
"""

from __future__ import annotations

from datetime import datetime

from models.campaigns import editing
from models.contacts.audience import campaign_lists, set_campaign_lists
from models.db import atomic
from models.inbound import OPTED_OUT
from models.phones import REMOVED_LIKE
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage

COPY_SUFFIX = " (copy)"
# What a copy keeps of the original: the number, the message and the sending settings (not the schedule).
COPIED = ("instance", "template", "message", "media_url", "media_type", "media_filename", "rate_limit", "max_retries")

_COPY_RECIPIENTS = (
    "INSERT INTO arauto_campaign_message "
    "(campaign, row_number, phone, raw_phone, variables, status, attempts, claimed_by, remote_jid, error) "
    "SELECT {}, m.row_number, m.phone, m.raw_phone, m.variables, "
    "CASE WHEN o.id IS NULL THEN {} ELSE {} END, 0, '', '', CASE WHEN o.id IS NULL THEN '' ELSE {} END "
    "FROM arauto_campaign_message m LEFT JOIN arauto_opt_out o ON o.owner = {} AND o.phone = m.phone "
    "WHERE m.campaign = {} AND m.row_number > 0 AND m.phone NOT LIKE {} ORDER BY m.id"
)
_COUNT = (
    "UPDATE arauto_campaign SET "
    "total_recipients = (SELECT COUNT(*) FROM arauto_campaign_message WHERE campaign = {}), "
    "pending_count = (SELECT COUNT(*) FROM arauto_campaign_message WHERE campaign = {} AND status = {}), "
    "skipped_count = (SELECT COUNT(*) FROM arauto_campaign_message WHERE campaign = {} AND status = {}) "
    "WHERE id = {}"
)


async def duplicate(campaign_id: int, *, owner_id: int, now: datetime) -> Campaign:
    """The copy, DRAFT and unscheduled; its name says it is a copy (cut to the name's length limit)."""
    original = await editing.get(campaign_id, owner_id=owner_id)
    include, exclude = await campaign_lists(campaign_id)
    name = original.name[: 200 - len(COPY_SUFFIX)] + COPY_SUFFIX
    pending, skipped = MessageStatus.PENDING.value, MessageStatus.SKIPPED.value
    async with atomic():
        copy = Campaign(
            owner=owner_id,
            name=name,
            **{column: getattr(original, column) for column in COPIED},
            status=CampaignStatus.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        await copy.save()
        await CampaignMessage.raw(
            _COPY_RECIPIENTS, copy.id, pending, skipped, OPTED_OUT, owner_id, campaign_id, REMOVED_LIKE
        )
        await Campaign.raw(_COUNT, copy.id, copy.id, pending, copy.id, skipped, copy.id)
        await set_campaign_lists(copy.id, include=include, exclude=exclude, owner_id=owner_id)
    return await editing.get(copy.id, owner_id=owner_id)
