"""A RUNNING campaign's lanes: the campaign with each of its numbers, in the campaign's order. The planner claims
per lane; the campaign's slot is shared by its lanes (its rate holds overall), each number's slot by the lanes of
every campaign on it (its cap holds across campaigns). A number known to be down gives no lane while another of the
campaign's numbers is not down (with none left, the campaign tries as before and pauses on InstanceDown)."""

from __future__ import annotations

from typing import Any

from models.campaigns.numbers import campaign_numbers
from models.sending._rows import CAMPAIGN_FIELDS, INSTANCE_FIELDS, OWNER_FIELDS, Owner, SendingCampaign
from models.statuses import ConnectionState
from models.tables import Campaign, Instance, UserProfile


async def lanes(where: Any) -> list[SendingCampaign]:
    """The lanes of the campaigns matching `where`, campaign by campaign, each campaign's numbers in order."""
    campaigns = await Campaign.select(*CAMPAIGN_FIELDS).where(where)
    if not campaigns:
        return []
    first = {int(c["id"]): int(c["instance"]) for c in campaigns if c["instance"] is not None}
    numbers = await campaign_numbers(list(first), first)
    wanted = {iid for ids in numbers.values() for iid in ids}
    instances = {
        int(r["id"]): r for r in await Instance.select(*INSTANCE_FIELDS).where(Instance.id.is_in(list(wanted)))
    }
    owners = await _owners({int(c["owner"]) for c in campaigns})
    found: list[SendingCampaign] = []
    for campaign in campaigns:
        owner = owners[int(campaign["owner"])]
        own = [
            SendingCampaign.decode(campaign, instances[i], owner)
            for i in numbers.get(int(campaign["id"]), [])
            if i in instances
        ]
        up = [lane for lane in own if lane.instance_state != ConnectionState.CLOSE.value]
        found.extend(up or own)
    return found


async def _owners(ids: set[int]) -> dict[int, Owner]:
    """The owners' limits and user-limit slots (a user without a profile row has no limit)."""
    rows = {int(r["user"]): r for r in await UserProfile.select(*OWNER_FIELDS).where(UserProfile.user.is_in(list(ids)))}
    return {owner_id: Owner.decode(owner_id, rows.get(owner_id)) for owner_id in ids}
