"""What a test send needs: the message rendered for one of the campaign's recipients (the first one, or the one
whose number was entered), the number normalised, and the instance to send from. Nothing here touches the
campaign's counters or recipients: the test message is not part of the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.errors import ValidationFailed
from models.inbound.optouts import normalise_phone
from models.ownership import get_own
from models.recipients.campaign_table import variable_names
from models.rendering import placeholders
from models.tables import Campaign, CampaignMessage, Instance
from models.variables import decode


@dataclass(frozen=True)
class PreparedTestSend:
    phone: str
    text: str
    media_url: str
    media_type: str
    file_name: str
    server_url: str
    api_key: str
    instance_name: str


def fill(text: str, variables: dict[str, Any]) -> str:
    """{{name}} -> the variable's value; an unknown name stays visible so the tester notices it (linear scan)."""
    parts: list[str] = []
    position = 0
    for found in placeholders(text):
        value = str(variables[found.name]) if found.name in variables else text[found.start : found.end]
        parts.append(text[position : found.start] + value)
        position = found.end
    return "".join([*parts, text[position:]])


async def sample_variables(campaign_id: int, phone: str) -> dict[str, Any]:
    """The entered number's own row when it is a recipient, else the first recipient's (else none)."""
    row = await CampaignMessage.select(CampaignMessage.variables).where(
        (CampaignMessage.campaign == campaign_id) & (CampaignMessage.phone == phone)
    ).first()
    if row is None:
        row = await (
            CampaignMessage.select(CampaignMessage.variables)
            .where(CampaignMessage.campaign == campaign_id)
            .order_by(CampaignMessage.id)
            .first()
        )
    return decode(await variable_names(campaign_id), row["variables"]) if row else {}


async def prepare(campaign_id: int, raw_phone: str, *, owner_id: int, region: str) -> PreparedTestSend:
    """The message to send, or ValidationFailed naming the field (`phone`, or `instance` when none is set)."""
    campaign = await get_own(Campaign, campaign_id, owner_id, "Campaign")
    phone = normalise_phone(raw_phone, region)
    if campaign.instance is None:
        raise ValidationFailed({"instance": "Choose an instance for this campaign before a test send."})
    instance = await get_own(Instance, campaign.instance, owner_id, "Instance")
    text = fill(campaign.message, await sample_variables(campaign.id, phone))
    return PreparedTestSend(
        phone=phone,
        text=text,
        media_url=campaign.media_url,
        media_type=campaign.media_type,
        file_name=campaign.media_filename,
        server_url=instance.server_url,
        api_key=instance.api_key,
        instance_name=instance.instance_name,
    )
