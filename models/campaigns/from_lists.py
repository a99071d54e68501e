"""Campaigns that send to lists: create and update with `listIds` / `excludeListIds`, beside inline recipients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from models.campaigns import editing, lifecycle
from models.campaigns.rules import CampaignInput
from models.contacts.audience import campaign_lists, checked_campaign_lists, set_campaign_lists
from models.contacts.lists import own_list_ids
from models.errors import N_, IllegalTransition, ValidationFailed
from models.recipients import ImportReport
from models.tables import Campaign


async def create(
    data: CampaignInput,
    recipients: Sequence[Mapping[str, Any]],
    *,
    list_ids: Sequence[int],
    exclude_list_ids: Sequence[int],
    owner_id: int,
    now: datetime,
    max_rate: int,
    max_recipients: int,
    default_region: str,
) -> tuple[Campaign, ImportReport | None]:
    """The API's create: lists to send to may stand in for inline recipients; a list that is not the user's
    is a 404 before anything is created."""
    await own_list_ids([*list_ids, *exclude_list_ids], owner_id=owner_id)
    if set(list_ids) & set(exclude_list_ids):
        raise ValidationFailed({"excludeListIds": N_("A list cannot be both sent to and left out.")})
    report: ImportReport | None = None
    if recipients or not list_ids:
        campaign, report = await editing.create_with_recipients(
            data,
            recipients,
            owner_id=owner_id,
            now=now,
            max_rate=max_rate,
            max_recipients=max_recipients,
            default_region=default_region,
        )
    else:
        campaign = await editing.create(data, owner_id=owner_id, now=now, max_rate=max_rate)
    await set_campaign_lists(campaign.id, include=list_ids, exclude=exclude_list_ids, owner_id=owner_id)
    return campaign, report


async def checked_lists(
    campaign_id: int, *, list_ids: Sequence[int] | None, exclude_list_ids: Sequence[int] | None, owner_id: int
) -> tuple[list[int], list[int]] | None:
    """The lists the campaign would have, checked (DRAFT or SCHEDULED, the user's, not on both sides) without
    writing anything, so an update refused for its lists changes nothing else; None when neither side is sent."""
    if list_ids is None and exclude_list_ids is None:
        return None
    campaign = await editing.get(campaign_id, owner_id=owner_id)
    if not lifecycle.can_edit(campaign.status):
        raise IllegalTransition(editing.edit_refusal(campaign.status))
    include, exclude = await campaign_lists(campaign_id)
    return await checked_campaign_lists(
        include if list_ids is None else list_ids,
        exclude if exclude_list_ids is None else exclude_list_ids,
        owner_id=owner_id,
    )


async def update_lists(
    campaign_id: int, *, list_ids: Sequence[int] | None, exclude_list_ids: Sequence[int] | None, owner_id: int
) -> None:
    """Change the lists of a DRAFT or SCHEDULED campaign (None keeps that side as it is)."""
    chosen = await checked_lists(campaign_id, list_ids=list_ids, exclude_list_ids=exclude_list_ids, owner_id=owner_id)
    if chosen is not None:
        await set_campaign_lists(campaign_id, include=chosen[0], exclude=chosen[1], owner_id=owner_id)
