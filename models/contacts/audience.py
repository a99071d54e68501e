"""A campaign's audience from its lists: what the preview before Start shows, and the freeze at Start.

Both follow one rule, so the preview's `willReceive` is exactly what is then sent. Each entry (an inline or CSV
recipient already stored, then every membership of an included list, oldest contact first) falls in the first
category that takes it: `duplicates` (its number came earlier), `excluded` (in an exclusion list; list entries
only), `optedOut`, then `notOnWhatsapp` and `frequencyCapped` (`pre_send_exclusions`), else `willReceive`.
`listed` counts every entry, so `listed` is the sum of the other six.

At Start the lists are frozen into the campaign's messages in the same transaction as the move to RUNNING
(`freeze_lists`); from then on the campaign reads only its messages, so later list changes never reach it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from models.contacts.lists import own_list_ids
from models.errors import N_, IllegalTransition, Message, ValidationFailed
from models.statuses import CampaignStatus, MessageStatus, status_word
from models.tables import Campaign, CampaignList, CampaignMessage, OptOut

CATEGORIES = ("listed", "duplicates", "optedOut", "excluded", "notOnWhatsapp", "frequencyCapped", "willReceive")
MAX_LIMIT = 500
_FROZEN = frozenset(CampaignStatus) - {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}


@dataclass
class Audience:
    """The numbers behind each category, in the order the rule met them."""

    numbers: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CATEGORIES})
    frozen: bool = False

    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in self.numbers.items()}

    def as_json(self, *, limit: int, offset: int) -> dict[str, Any]:
        """The counts, and one page (`limit` from `offset`) of each category's numbers."""
        return {
            **self.counts(),
            "frozen": self.frozen,
            "numbers": {name: found[offset : offset + limit] for name, found in self.numbers.items()},
            "limit": limit,
            "offset": offset,
        }


async def checked_campaign_lists(
    include: Sequence[int], exclude: Sequence[int], *, owner_id: int
) -> tuple[list[int], list[int]]:
    """Both sides without repeats, when each list is the user's (404) and none is on both sides (400)."""
    include = await own_list_ids(list(include), owner_id=owner_id)
    exclude = await own_list_ids(list(exclude), owner_id=owner_id)
    both = set(include) & set(exclude)
    if both:
        raise ValidationFailed(
            {"excludeListIds": Message(N_("List %(list)s cannot be both sent to and left out."), list=min(both))}
        )
    return include, exclude


async def set_campaign_lists(
    campaign_id: int, *, include: Sequence[int], exclude: Sequence[int], owner_id: int
) -> None:
    """The lists a campaign sends to and leaves out (replacing the previous choice); each must be the user's."""
    include, exclude = await checked_campaign_lists(include, exclude, owner_id=owner_id)
    rows = [CampaignList(campaign=campaign_id, contact_list=i, exclude=False) for i in include]
    rows += [CampaignList(campaign=campaign_id, contact_list=i, exclude=True) for i in exclude]
    async with CampaignList._meta.db.transaction():
        await CampaignList.delete().where(CampaignList.campaign == campaign_id)
        if rows:
            await CampaignList.insert(*rows)


async def campaign_lists(campaign_id: int) -> tuple[list[int], list[int]]:
    """(included list ids, excluded list ids)."""
    rows = (
        await CampaignList.select(CampaignList.contact_list, CampaignList.exclude)
        .where(CampaignList.campaign == campaign_id)
        .order_by(CampaignList.id)
    )
    include = [int(r["contact_list"]) for r in rows if not r["exclude"]]
    return include, [int(r["contact_list"]) for r in rows if r["exclude"]]


def lists_json(include: list[int], exclude: list[int]) -> dict[str, list[int]]:
    return {"listIds": include, "excludeListIds": exclude}


def check_lists_editable(status: str) -> None:
    if CampaignStatus(status) in _FROZEN:
        raise IllegalTransition(
            Message(
                N_("Cannot change the lists of a campaign that is %(status)s: its audience is frozen."),
                status=status_word(status),
            )
        )


async def pre_send_exclusions(owner_id: int, campaign_id: int, phones: Sequence[str]) -> dict[str, set[str]]:
    """Numbers the pre-send checks will leave out: `notOnWhatsapp` (what the WhatsApp number pre-check already knows,
    when the campaign checks numbers) and `frequencyCapped` (messaged by one of the user's campaigns within the
    campaign's frequency cap: the sender's own rule, models/sending/pacing.frequency_decision, says it waits or is
    skipped)."""
    from models.sending import not_on_whatsapp  # here: models.sending imports the campaign rules this module serves
    from models.sending._limits import last_sends
    from models.sending.pacing import frequency_decision

    now = datetime.now(UTC)
    found = (
        await Campaign.select(Campaign.precheck, Campaign.frequency_cap_hours, Campaign.expires_at)
        .where(Campaign.id == campaign_id)
        .first()
    )
    checks = bool(found and found["precheck"])
    absent = await not_on_whatsapp(owner_id, list(phones), now=now) if checks else set()
    capped: set[str] = set()
    if found is not None and found["frequency_cap_hours"] is not None and phones:
        hours = int(found["frequency_cap_hours"])
        last = await last_sends(owner_id, list(phones), now - timedelta(hours=hours))
        capped = {
            phone
            for phone, (at, _) in last.items()
            if not frequency_decision(at, cap_hours=hours, now=now, expires_at=found["expires_at"]).send
        }
    return {"notOnWhatsapp": absent, "frequencyCapped": capped}


_LIST_ENTRIES = (
    "SELECT c.phone FROM arauto_list_member m "
    "JOIN arauto_campaign_list cl ON cl.contact_list = m.contact_list "
    "JOIN arauto_contact c ON c.id = m.contact "
    "WHERE cl.campaign = {} AND cl.exclude = {} ORDER BY c.id, m.id"
)


async def preview(campaign_id: int, *, owner_id: int, status: str) -> Audience:
    """What Start would do now (before Start), or what it did (after: the frozen messages alone)."""
    audience = Audience(frozen=CampaignStatus(status) in _FROZEN)
    stored = (
        await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status)
        .where(CampaignMessage.campaign == campaign_id)
        .order_by(CampaignMessage.id)
    )
    opted = {r["phone"] for r in await OptOut.select(OptOut.phone).where(OptOut.owner == owner_id)}
    entries: list[str] = []
    excluded: set[str] = set()
    if not audience.frozen:
        entries = [r["phone"] for r in await CampaignList.raw(_LIST_ENTRIES, campaign_id, False)]
        excluded = {r["phone"] for r in await CampaignList.raw(_LIST_ENTRIES, campaign_id, True)}
    seen: set[str] = set()
    candidates: list[str] = []
    for row in stored:
        phone, skipped = row["phone"], row["status"] == MessageStatus.SKIPPED.value
        audience.numbers["listed"].append(phone)
        seen.add(phone)
        if skipped or phone in opted:  # before Start only opt-outs are SKIPPED; the claim skips late ones too
            audience.numbers["optedOut"].append(phone)
        else:
            candidates.append(phone)
    for phone in entries:
        audience.numbers["listed"].append(phone)
        if phone in seen:
            audience.numbers["duplicates"].append(phone)
            continue
        seen.add(phone)
        if phone in excluded:
            audience.numbers["excluded"].append(phone)
        elif phone in opted:
            audience.numbers["optedOut"].append(phone)
        else:
            candidates.append(phone)
    checks = await pre_send_exclusions(owner_id, campaign_id, candidates)
    for phone in candidates:
        category = next((name for name, found in checks.items() if phone in found), "willReceive")
        audience.numbers[category].append(phone)
    return audience


_FREEZE = (
    "INSERT INTO arauto_campaign_message "
    "(campaign, row_number, phone, raw_phone, variables, status, attempts, claimed_by, remote_jid, error) "
    "SELECT {}, 0, c.phone, c.phone, c.attributes, {}, 0, '', '', '' FROM arauto_contact c "
    "WHERE c.owner = {} "
    "AND c.id IN (SELECT m.contact FROM arauto_list_member m JOIN arauto_campaign_list cl "
    "ON cl.contact_list = m.contact_list WHERE cl.campaign = {} AND cl.exclude = {}) "
    "AND c.id NOT IN (SELECT m.contact FROM arauto_list_member m JOIN arauto_campaign_list cl "
    "ON cl.contact_list = m.contact_list WHERE cl.campaign = {} AND cl.exclude = {}) "
    "AND c.phone NOT IN (SELECT o.phone FROM arauto_opt_out o WHERE o.owner = {}) "
    "AND c.phone NOT IN (SELECT cm.phone FROM arauto_campaign_message cm WHERE cm.campaign = {}) "
    "ORDER BY c.id"
)
_RECOUNT = (
    "UPDATE arauto_campaign SET "
    "pending_count = pending_count + (SELECT COUNT(*) FROM arauto_campaign_message WHERE campaign = {}) "
    "- total_recipients, "
    "total_recipients = (SELECT COUNT(*) FROM arauto_campaign_message WHERE campaign = {}) WHERE id = {}"
)


async def freeze_lists(campaign_id: int, *, owner_id: int) -> None:
    """Copy the lists' members (minus exclusion lists, opted-out numbers and numbers already there) into the
    campaign's messages, variables from the contacts' attributes, and count them in. The caller holds the
    transaction that also moves the campaign to RUNNING; a campaign without lists is left as it is."""
    if not await CampaignList.exists().where(CampaignList.campaign == campaign_id):
        return
    pending = MessageStatus.PENDING.value
    await CampaignMessage.raw(
        _FREEZE, campaign_id, pending, owner_id, campaign_id, False, campaign_id, True, owner_id, campaign_id
    )
    await CampaignMessage.raw(_RECOUNT, campaign_id, campaign_id, campaign_id)
