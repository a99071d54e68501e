"""The per-campaign report: CSV streamed (keyset batches of 1000 rows; memory stays flat for 100,000 rows), or XLSX;
both written for the spreadsheet of the request's language (separators, date formats, headers, status words)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import get
from litestar.response import Response, Stream

from models.campaigns.report_xlsx import export_xlsx
from models.campaigns.reports import FIXED_HEADER, export_csv
from models.spreadsheet import SheetLocale, sheet_locale
from models.statuses import MessageStatus
from models.tables import Campaign
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import SignedInUser
from views.guards import SignedInPages
from views.i18n import N_, _, current_locale

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_WORDS = {
    "phone": N_("Phone"),
    "other_variables": N_("Other variables"),
    "status": N_("Status"),
    "error": N_("Error"),
    "sent_at": N_("Sent at"),
    "delivered_at": N_("Delivered at"),
    "read_at": N_("Read at"),
    "replied_at": N_("Replied at"),
    "whatsapp_jid": N_("WhatsApp ID"),
    "jid_differs": N_("WhatsApp ID differs from the number typed"),
    "yes": N_("yes"),
}
assert set(FIXED_HEADER) <= set(HEADER_WORDS)


def report_sheet() -> SheetLocale:
    """Separators and words of the request's language; message statuses read as on the pages."""
    words = {key: _(word) for key, word in HEADER_WORDS.items()}
    words.update({status.value: _(status.value) for status in MessageStatus})
    return sheet_locale(current_locale(), words)


IMPORT_REPORT_WORDS = {
    "row": N_("Row"),
    "value": N_("Value"),
    "kind": N_("Kind"),
    "reason": N_("Reason"),
    "invalid": N_("invalid"),
    "duplicate": N_("duplicate"),
    "optedOut": N_("opted out"),
}


def import_report_sheet() -> SheetLocale:
    """The import report's separators and words in the request's language."""
    return sheet_locale(current_locale(), {key: _(word) for key, word in IMPORT_REPORT_WORDS.items()})


def report_filename(campaign: Campaign, extension: str = "csv") -> str:
    """ASCII-only, so the header needs no encoding: the id plus the name's plain letters and digits."""
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in campaign.name).strip("-").lower()
    return f"campaign-{campaign.id}-{slug[:40] or 'report'}.{extension}"


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


class CampaignReportPages(SignedInPages):
    path = "/campaigns"
    dependencies = OWN_CAMPAIGN

    @get("/{campaign_id:int}/export.csv", name="campaign_export")
    async def export(self, campaign: OwnCampaign, current_user: SignedInUser) -> Stream:
        """UTF-8 with BOM so Excel reads accents; formula-looking cells neutralised in models/campaigns/reports.py."""
        return Stream(
            _encoded(export_csv(campaign.id, timezone=current_user.timezone, sheet=report_sheet())),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{report_filename(campaign)}"'},
        )

    @get("/{campaign_id:int}/export.xlsx", name="campaign_export_xlsx")
    async def export_workbook(self, campaign: OwnCampaign, current_user: SignedInUser) -> Response[bytes]:
        """The same report as a workbook: phones as text cells, times as date cells."""
        body = await export_xlsx(campaign.id, timezone=current_user.timezone, sheet=report_sheet(), title=campaign.name)
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{report_filename(campaign, "xlsx")}"'},
        )
