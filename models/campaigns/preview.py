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
NEAR_LIMIT_PERCENT = 90


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
    columns: list[str] = field(default_factory=list)  # the imported columns, which the composer offers to insert
    sample: int = 0  # which example this is: "another example" asks for the next

    @property
    def next_sample(self) -> int:
        return self.sample + 1

    @property
    def near_at(self) -> int:
        """The counter warns from 90 % of WhatsApp's limit on (the composer's script uses the same figure)."""
        return self.limit * NEAR_LIMIT_PERCENT // 100

    @property
    def near_limit(self) -> bool:
        return self.near_at <= self.length and not self.over_limit

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


def imported_columns(recipients: list[dict[str, Any]]) -> list[str]:
    """Variable names as the import wrote them, in column order, from the recipients scanned."""
    names: dict[str, None] = {}
    for recipient in recipients:
        names.update(dict.fromkeys(str(name) for name in recipient["variables"]))
    return list(names)


async def preview(text: str, *, owner_id: int, campaign_id: int | None = None, sample: int = 0) -> Preview:
    """Render `text` for the campaign's first recipients (or sample values) and count the gaps; `sample` > 0 shows
    the next recipients (or, without recipients, another spintax draw).

    A text over the message limit is not rendered at all: the preview answers as fast for 10 MB as for 10 bytes.
    """
    if len(text) > MAX_MESSAGE_LENGTH:
        return Preview(length=len(text), samples=[], scanned=0, refused=True)
    sample = max(0, sample)
    recipients: list[dict[str, Any]] = []
    if campaign_id is not None:
        recipients = await _first_recipients(await get_own(Campaign, campaign_id, owner_id, label="Campaign"))
    if not recipients:
        seed = f"example-{sample}" if sample else ""
        rendered = recipient_text(text, sample_variables(text), campaign_id=campaign_id, phone=seed)
        return Preview(length=len(text), samples=[Sample(phone="", text=rendered)], scanned=0, sample=sample)
    missing: Counter[str] = Counter()
    for recipient in recipients:
        missing.update(missing_variables(text, recipient["variables"]))
    start = (sample * PREVIEW_SAMPLES) % len(recipients)
    samples = [
        Sample(r["phone"], recipient_text(text, r["variables"], campaign_id=campaign_id, phone=r["phone"]))
        for r in recipients[start : start + PREVIEW_SAMPLES]
    ]
    return Preview(
        length=len(text),
        samples=samples,
        scanned=len(recipients),
        missing=dict(missing),
        columns=imported_columns(recipients),
        sample=sample,
    )
