"""The one dependency that loads "the user's own campaign" for every campaign route that needs the row."""

from __future__ import annotations

from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from models.ownership import get_own
from models.tables import Campaign
from views.deps import SignedInUser


async def provide_own_campaign(campaign_id: FromPath[int], current_user: SignedInUser) -> Campaign:
    """The campaign named in the path, if it is the signed-in user's; otherwise NotFoundOrNotYours (a 404)."""
    return await get_own(Campaign, campaign_id, current_user.id, label="Campaign")


OWN_CAMPAIGN = {"campaign": Provide(provide_own_campaign)}
"""A campaign controller's `dependencies`: handlers ask for `campaign: OwnCampaign`."""
OwnCampaign = NamedDependency[Campaign]
