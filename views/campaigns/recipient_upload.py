"""Recipients pages: upload a CSV (or paste lines), map its columns from a preview, import, read the report."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody, QueryParameter
from litestar.response import Redirect, Template

from models.accounts.users import CurrentUser
from models.errors import ImportRejected, ValidationFailed
from models.recipients import ImportOptions, ImportReport, default_phone_column, import_csv, preview
from models.tables import Campaign
from settings import Settings
from views import upload_store
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.campaigns.reports import import_report_sheet
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.uploads import UploadLimitMiddleware

Upload = Annotated[str, QueryParameter(name="upload")]


@dataclass
class UploadForm:
    file: UploadFile | None = None
    lines: str = ""


class RecipientPages(SignedInPages):
    path = "/campaigns/{campaign_id:int}/recipients"
    dependencies = OWN_CAMPAIGN

    @get("/upload", name="recipients_upload")
    async def upload(self, campaign: OwnCampaign) -> Template:
        """Step 1: a CSV file, or lines pasted into a box."""
        return Template("campaigns/recipients/upload.html", context={"campaign": campaign, "error": "", "lines": ""})

    @post(
        "/upload",
        name="recipients_upload_store",
        request_max_body_size=None,  # settings.max_upload_bytes, enforced while the body streams in
        middleware=[UploadLimitMiddleware],
    )
    async def store(
        self,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        settings: AppSettings,
        data: MultipartBody[UploadForm],
    ) -> Template | Redirect:
        """Keep the file server-side and go to the mapping step; an unreadable file stays on step 1 with why."""
        source: Any = data.file.file if data.file and data.file.filename else data.lines.strip().encode("utf-8")
        if not source:
            return self._upload_error(campaign, _("Choose a CSV file, or paste one recipient per line."), data.lines)
        token = await upload_store.save_upload(current_user.id, campaign.id, source)
        try:
            path = await upload_store.upload_path(current_user.id, campaign.id, token)
            await asyncio.to_thread(preview, path, max_bytes=settings.max_upload_bytes)
        except ImportRejected as exc:
            await upload_store.discard_upload(current_user.id, campaign.id, token)
            return self._upload_error(campaign, exc.translated(_), data.lines)
        return Redirect(f"/campaigns/{campaign.id}/recipients/mapping?upload={token}", status_code=303)

    @staticmethod
    def _upload_error(campaign: Campaign, message: str, lines: str) -> Template:
        context = {"campaign": campaign, "error": message, "lines": lines}
        return Template("campaigns/recipients/upload.html", context=context, status_code=400)

    @get("/mapping", name="recipients_mapping")
    async def mapping(
        self,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        settings: AppSettings,
        upload: Upload,
    ) -> Template:
        """Step 2: which column is the phone, which become variables, with the first rows to judge by."""
        context = await _mapping_context(campaign, current_user, settings, upload, None)
        return Template("campaigns/recipients/mapping.html", context=context)

    @get("/mapping/form", name="recipients_mapping_form")
    async def mapping_form(
        self,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        settings: AppSettings,
        upload: Upload,
        has_header: Annotated[str | None, QueryParameter(name="has_header")] = None,
    ) -> Template:
        """The mapping form alone, redrawn when the header checkbox changes (absent = unchecked)."""
        context = await _mapping_context(campaign, current_user, settings, upload, has_header == "true")
        return Template("partials/campaigns/recipients/mapping.html", context=context)

    @post("/import", name="recipients_import")
    async def import_(
        self,
        request: AnyRequest,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
    ) -> Template | Redirect:
        """Step 3: import; the report is kept for the hour, the file is deleted."""
        form = await request.form()
        token = str(form.get("upload", ""))
        options = ImportOptions(
            has_header=form.get("has_header") == "true",
            phone_column=str(form.get("phone_column", "")) or None,
            variable_columns=[str(v) for v in form.getall("variable_columns", [])],
            default_region=str(form.get("default_region", "")).strip() or None,
        )
        path = await upload_store.upload_path(current_user.id, campaign.id, token)
        try:
            report = await import_csv(
                campaign.id, path, options, owner_id=current_user.id, settings=settings, now=clock.now()
            )
        except (ImportRejected, ValidationFailed) as exc:
            context = await _mapping_context(campaign, current_user, settings, token, options.has_header)
            context.update(error=exc.translated(_), region=options.default_region or settings.default_region)
            return Template("campaigns/recipients/mapping.html", context=context, status_code=400)
        await upload_store.finish_upload(current_user.id, campaign.id, token, report.as_json(_))
        return Redirect(f"/campaigns/{campaign.id}/recipients/report?upload={token}", status_code=303)

    @get("/report", name="recipients_report")
    async def report(self, campaign: OwnCampaign, current_user: SignedInUser, upload: Upload) -> Template:
        """What the import did: the count that went in, and every row left out with its number and reason."""
        report = ImportReport.from_json(await upload_store.load_report(current_user.id, campaign.id, upload))
        return Template(
            "campaigns/recipients/report.html", context={"campaign": campaign, "report": report, "token": upload}
        )

    @get("/report.csv", name="recipients_report_csv")
    async def report_csv(self, campaign: OwnCampaign, current_user: SignedInUser, upload: Upload) -> Response[str]:
        """The skipped rows as a CSV, to fix in a spreadsheet and import again."""
        report = ImportReport.from_json(await upload_store.load_report(current_user.id, campaign.id, upload))
        disposition = f'attachment; filename="import-report-campaign-{campaign.id}.csv"'
        return Response(
            report.as_csv(import_report_sheet()),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )


async def _mapping_context(
    campaign: Campaign, user: CurrentUser, settings: Settings, token: str, has_header: bool | None
) -> dict[str, Any]:
    path = await upload_store.upload_path(user.id, campaign.id, token)
    found = await asyncio.to_thread(preview, path, has_header=has_header, max_bytes=settings.max_upload_bytes)
    return {
        "campaign": campaign,
        "token": token,
        "preview": found,
        "phone_index": default_phone_column(found.columns),
        "region": settings.default_region,
        "error": "",
    }
