"""The form's live preview: the message rendered for the first recipients, its length, and variables some lack.

Kept cheap for a big audience: only the first PREVIEW_SCAN recipients are read (one indexed query).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from models.campaigns.message_text import recipient_text
from models.ownership import get_own
from models.rendering import MAX_MESSAGE_LENGTH, missing_variables, variables_in
from models.tables import Campaign, CampaignMessage
from models.variables import decode, parse_names

PREVIEW_SAMPLES = 3
PREVIEW_SCAN = 500


@dataclass(frozen=True)
class Sample:
    phone: str
    text: str

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Preview:
    length: int
    samples: list[Sample]
    scanned: int  # recipients whose variables were checked
    missing: dict[str, int] = field(default_factory=dict)  # variable -> how many scanned recipients lack it
    limit: int = MAX_MESSAGE_LENGTH
    refused: bool = False  # longer than the message may be: nothing rendered, the fragment says why

    @property
    def over_limit(self) -> bool:
        return self.length > self.limit or any(s.length > self.limit for s in self.samples)


async def _first_recipients(campaign: Campaign) -> list[dict[str, Any]]:
    rows = (
        await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.variables)
        .where(CampaignMessage.campaign == campaign.id)
        .order_by(CampaignMessage.id)
        .limit(PREVIEW_SCAN)
    )
    names = parse_names(campaign.variable_names)
    return [{"phone": row["phone"], "variables": decode(names, row["variables"])} for row in rows]


def sample_variables(text: str) -> dict[str, str]:
    """For a campaign without recipients yet: each variable shows its own name, so the layout can be checked."""
    return {name: f"[{name}]" for name in variables_in(text)}


async def preview(text: str, *, owner_id: int, campaign_id: int | None = None) -> Preview:
    """Render `text` for the campaign's first recipients (or sample values) and count the gaps.

    A text over the message limit is not rendered at all: the preview answers as fast for 10 MB as for 10 bytes.
    """
    if len(text) > MAX_MESSAGE_LENGTH:
        return Preview(length=len(text), samples=[], scanned=0, refused=True)
    recipients: list[dict[str, Any]] = []
    if campaign_id is not None:
        recipients = await _first_recipients(await get_own(Campaign, campaign_id, owner_id, label="Campaign"))
    if not recipients:
        sample = Sample(phone="", text=recipient_text(text, sample_variables(text), campaign_id=campaign_id, phone=""))
        return Preview(length=len(text), samples=[sample], scanned=0)
    missing: Counter[str] = Counter()
    for recipient in recipients:
        missing.update(missing_variables(text, recipient["variables"]))
    samples = [
        Sample(r["phone"], recipient_text(text, r["variables"], campaign_id=campaign_id, phone=r["phone"]))
        for r in recipients[:PREVIEW_SAMPLES]
    ]
    return Preview(length=len(text), samples=samples, scanned=len(recipients), missing=dict(missing))
