"""A campaign's numbers (`instanceIds`, in order): `Campaign.instance` is the first, `CampaignNumber` rows hold
them all. The single-number API keeps working: a campaign with no rows sends through `Campaign.instance` alone."""

from __future__ import annotations

from models.tables import Campaign, CampaignNumber

MAX_NUMBERS = 10


async def campaign_numbers(campaign_ids: list[int], first: dict[int, int]) -> dict[int, list[int]]:
    """Each campaign's instance ids in order: `first[campaign]` (its `Campaign.instance`), then the others."""
    numbers = {cid: [first[cid]] for cid in campaign_ids if cid in first}
    if not campaign_ids:
        return numbers
    rows = await (
        CampaignNumber.select(CampaignNumber.campaign, CampaignNumber.instance)
        .where(CampaignNumber.campaign.is_in(campaign_ids))
        .order_by(CampaignNumber.position)
        .order_by(CampaignNumber.id)
    )
    for row in rows:
        ids = numbers.setdefault(int(row["campaign"]), [])
        if int(row["instance"]) not in ids:
            ids.append(int(row["instance"]))
    return numbers


async def numbers_of(campaign: Campaign) -> list[int]:
    """One campaign's instance ids in order (empty while it has no number)."""
    return [] if campaign.instance is None else await numbers_of_id(campaign.id, campaign.instance)


async def numbers_of_id(campaign_id: int, first: int) -> list[int]:
    """One campaign's instance ids in order, given its first (`Campaign.instance`)."""
    return (await campaign_numbers([campaign_id], {campaign_id: first}))[campaign_id]


async def save_numbers(
    campaign_id: int, first: int | None, given: tuple[int, ...] | None, *, replaced: int | None = None
) -> None:
    """Store the campaign's numbers: `given` in order, or (None: only `instanceId` was set) the stored ones with
    `first` in place of the first one (`replaced`), as the single-number API means."""
    if first is None:
        return
    if given is None:
        stored = (await campaign_numbers([campaign_id], {})).get(campaign_id, [])
        given = (first, *[i for i in stored if i not in (first, replaced)])
    await CampaignNumber.delete().where(CampaignNumber.campaign == campaign_id)
    await CampaignNumber.insert(
        *(CampaignNumber(campaign=campaign_id, instance=iid, position=n) for n, iid in enumerate(given))
    )


async def numbers_by_campaign(campaigns: list[Campaign]) -> dict[int, list[int]]:
    """Several campaigns' instance ids in order, in one query (the API's list)."""
    first = {c.id: c.instance for c in campaigns if c.instance is not None}
    return await campaign_numbers(list(first), first)
