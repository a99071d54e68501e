"""The per-campaign CSV report, streamed (keyset batches of 1000 rows; memory stays flat for 100,000 rows)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import get
from litestar.di import NamedDependency
from litestar.response import Stream

from models.accounts.users import CurrentUser
from models.campaigns.reports import export_csv
from models.tables import Campaign
from views.campaigns.deps import OWN_CAMPAIGN
from views.guards import SignedInPages


def report_filename(campaign: Campaign) -> str:
    """ASCII-only, so the header needs no encoding: the id plus the name's plain letters and digits."""
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in campaign.name).strip("-").lower()
    return f"campaign-{campaign.id}-{slug[:40] or 'report'}.csv"


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


class CampaignReportPages(SignedInPages):
    path = "/campaigns"
    dependencies = OWN_CAMPAIGN

    @get("/{campaign_id:int}/export.csv", name="campaign_export")
    async def export(self, campaign: NamedDependency[Campaign], current_user: NamedDependency[CurrentUser]) -> Stream:
        """UTF-8 with BOM so Excel reads accents; formula-looking cells neutralised in models/campaigns/reports.py."""
        return Stream(
            _encoded(export_csv(campaign.id, timezone=current_user.timezone)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{report_filename(campaign)}"'},
        )
