"""What a test send needs: the message rendered for one of the campaign's recipients (the first one, or the one
whose number was entered), the number normalised, and the instance to send from. Nothing here touches the
campaign's counters or recipients: the test message is not part of the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.campaigns.message_text import recipient_text
from models.errors import N_, ValidationFailed
from models.inbound.optouts import normalise_phone
from models.instances.address import NumberAddress
from models.media_files import Media
from models.ownership import get_own
from models.recipients.campaign_table import variable_names
from models.tables import Campaign, CampaignMessage, Instance
from models.variables import decode


@dataclass(frozen=True)
class PreparedTestSend:
    phone: str
    text: str
    media: Media | None
    address: NumberAddress


async def sample_recipient(campaign_id: int, phone: str) -> tuple[str, dict[str, Any]]:
    """(phone, variables) of the entered number's own row when it is a recipient, else of the first recipient,
    else the entered number with no variables: the test shows exactly what that recipient will receive."""
    columns = (CampaignMessage.phone, CampaignMessage.variables)
    row = await CampaignMessage.select(*columns).where(
        (CampaignMessage.campaign == campaign_id) & (CampaignMessage.phone == phone)
    ).first()
    if row is None:
        row = await (
            CampaignMessage.select(*columns)
            .where(CampaignMessage.campaign == campaign_id)
            .order_by(CampaignMessage.id)
            .first()
        )
    return (row["phone"], decode(await variable_names(campaign_id), row["variables"])) if row else (phone, {})


async def prepare(campaign_id: int, raw_phone: str, *, owner_id: int, region: str) -> PreparedTestSend:
    """The message to send, or ValidationFailed naming the field (`phone`, or `instance` when none is set)."""
    campaign = await get_own(Campaign, campaign_id, owner_id, "Campaign")
    phone = normalise_phone(raw_phone, region)
    if campaign.instance is None:
        raise ValidationFailed({"instance": N_("Choose an instance for this campaign before a test send.")})
    instance = await get_own(Instance, campaign.instance, owner_id, "Instance")
    recipient, variables = await sample_recipient(campaign.id, phone)
    text = recipient_text(campaign.message, variables, campaign_id=campaign.id, phone=recipient)
    return PreparedTestSend(
        phone=phone,
        text=text,
        media=Media.linked(campaign.media_url, campaign.media_type, campaign.media_filename),
        address=NumberAddress.of_instance(instance),
    )
