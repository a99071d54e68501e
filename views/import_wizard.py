"""The import wizard, one implementation for every target: a campaign's recipients, a list's contacts, the opt-outs.

Step 1 keeps a CSV or XLSX (or pasted lines) server-side; step 2 maps its columns from a preview (header, phone
column, variables, region, the workbook's sheet, add or replace); step 3 imports and shows the per-row report, kept
for the hour with a CSV download. A target controller subclasses `ImportWizard` with its `path`, `route_prefix`
(its routes are named `<prefix>_upload`, `<prefix>_mapping`, ...) and a `target` dependency (an `ImportTarget`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import MultipartBody, QueryParameter
from litestar.response import Redirect, Template

from models.accounts.users import CurrentUser
from models.errors import ImportRejected, ValidationFailed
from models.recipients import ImportOptions, ImportReport, default_phone_column, preview, workbook_sheets
from settings import Settings
from views import upload_store
from views.campaigns.reports import import_report_sheet
from views.deps import AnyRequest, AppSettings, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.uploads import UploadLimitMiddleware

Upload = Annotated[str, QueryParameter(name="upload")]
# The import itself: (the kept file, the mapping's options, "add" or "replace") -> the report.
Run = Callable[[Path, ImportOptions, str], Awaitable[ImportReport]]


@dataclass(frozen=True, slots=True)
class ImportTarget:
    """What the wizard imports into, and the words its pages use for it (already in the user's language)."""

    key: str  # the upload store's key: campaign-12, list-3, optouts
    base: str  # the wizard's path: <base>/upload, <base>/mapping, ...
    title: str
    back_url: str
    back_label: str
    total_label: str  # beside the report's total: "recipients in the campaign"
    report_file: str  # the report download's file name, without .csv
    run: Run
    variables_label: str = ""  # empty: the target keeps no columns besides the phone
    modes: bool = False  # offer add or replace

    def url(self, step: str) -> str:
        return f"{self.base}/{step}"


@dataclass
class UploadForm:
    file: UploadFile | None = None
    lines: str = ""


class ImportWizard(SignedInPages):
    """The three steps; a subclass names its routes with `route_prefix` and provides `target`."""

    route_prefix: ClassVar[str] = ""

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        """Each target's copies of the handlers are named after it (`recipients_upload`, `list_upload`, ...)."""
        handlers = super().get_route_handlers()
        for handler in handlers:
            handler.name = f"{self.route_prefix}_{handler.name}"
        return handlers

    @get("/upload", name="upload")
    async def upload(self, target: NamedDependency[ImportTarget]) -> Template:
        """Step 1: a CSV or XLSX file, or lines pasted into a box."""
        return Template("import_wizard/upload.html", context={"target": target, "error": "", "lines": ""})

    @post(
        "/upload",
        name="upload_store",
        request_max_body_size=None,  # settings.max_upload_bytes, enforced while the body streams in
        middleware=[UploadLimitMiddleware],
    )
    async def store(
        self,
        target: NamedDependency[ImportTarget],
        current_user: SignedInUser,
        settings: AppSettings,
        data: MultipartBody[UploadForm],
    ) -> Template | Redirect:
        """Keep the file server-side and go to the mapping step; an unreadable file stays on step 1 with why."""
        source: Any = data.file.file if data.file and data.file.filename else data.lines.strip().encode("utf-8")
        if not source:
            return _upload_error(target, _("Choose a CSV or Excel file, or paste one number per line."), data.lines)
        token = await upload_store.save_upload(current_user.id, target.key, source)
        try:
            path = await upload_store.upload_path(current_user.id, target.key, token)
            await asyncio.to_thread(preview, path, max_bytes=settings.max_upload_bytes)
        except ImportRejected as exc:
            await upload_store.discard_upload(current_user.id, target.key, token)
            return _upload_error(target, exc.translated(_), data.lines)
        return Redirect(f"{target.url('mapping')}?upload={token}", status_code=303)

    @get("/mapping", name="mapping")
    async def mapping(
        self,
        target: NamedDependency[ImportTarget],
        current_user: SignedInUser,
        settings: AppSettings,
        upload: Upload,
        sheet: Annotated[str | None, QueryParameter(name="sheet", max_length=200)] = None,
    ) -> Template:
        """Step 2: which column is the phone, which are kept, with the first rows to judge by."""
        return await _mapping_page(target, current_user, settings, upload, None, sheet)

    @get("/mapping/form", name="mapping_form")
    async def mapping_form(
        self,
        target: NamedDependency[ImportTarget],
        current_user: SignedInUser,
        settings: AppSettings,
        upload: Upload,
        has_header: Annotated[str | None, QueryParameter(name="has_header")] = None,
        sheet: Annotated[str | None, QueryParameter(name="sheet", max_length=200)] = None,
    ) -> Template:
        """The mapping form alone, redrawn when the header checkbox or the sheet changes (absent = unchecked)."""
        partial, header = "partials/import_wizard/mapping.html", has_header == "true"
        return await _mapping_page(target, current_user, settings, upload, header, sheet, template=partial)

    @post("/import", name="import")
    async def import_(
        self,
        request: AnyRequest,
        target: NamedDependency[ImportTarget],
        current_user: SignedInUser,
        settings: AppSettings,
    ) -> Template | Redirect:
        """Step 3: import; the report is kept for the hour, the file is deleted."""
        form = await request.form()
        token = str(form.get("upload", ""))
        options = ImportOptions(
            has_header=form.get("has_header") == "true",
            phone_column=str(form.get("phone_column", "")) or None,
            variable_columns=[str(v) for v in form.getall("variable_columns", [])],
            default_region=str(form.get("default_region", "")).strip() or None,
            sheet=str(form.get("sheet", "")).strip()[:200] or None,
        )
        mode = str(form.get("mode", ""))[:10]
        path = await upload_store.upload_path(current_user.id, target.key, token)
        try:
            report = await target.run(path, options, mode)
        except (ImportRejected, ValidationFailed) as exc:
            region = options.default_region or settings.default_region
            refused = {"error": exc.translated(_), "region": region, "mode": mode}
            header, sheet = options.has_header, options.sheet
            return await _mapping_page(target, current_user, settings, token, header, sheet, refused)
        await upload_store.finish_upload(current_user.id, target.key, token, report.as_json(_))
        return Redirect(f"{target.url('report')}?upload={token}", status_code=303)

    @get("/report", name="report")
    async def report(
        self, target: NamedDependency[ImportTarget], current_user: SignedInUser, upload: Upload
    ) -> Template:
        """What the import did: the count that went in, and every row left out with its number and reason."""
        report = ImportReport.from_json(await upload_store.load_report(current_user.id, target.key, upload))
        return Template("import_wizard/report.html", context={"target": target, "report": report, "token": upload})

    @get("/report.csv", name="report_csv")
    async def report_csv(
        self, target: NamedDependency[ImportTarget], current_user: SignedInUser, upload: Upload
    ) -> Response[str]:
        """The skipped rows as a CSV, to fix in a spreadsheet and import again."""
        report = ImportReport.from_json(await upload_store.load_report(current_user.id, target.key, upload))
        disposition = f'attachment; filename="{target.report_file}.csv"'
        return Response(
            report.as_csv(import_report_sheet()),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )


def _upload_error(target: ImportTarget, message: str, lines: str) -> Template:
    context = {"target": target, "error": message, "lines": lines}
    return Template("import_wizard/upload.html", context=context, status_code=400)


async def _mapping_page(
    target: ImportTarget,
    user: CurrentUser,
    settings: Settings,
    token: str,
    has_header: bool | None,
    sheet: str | None,
    refused: dict[str, Any] | None = None,
    template: str = "import_wizard/mapping.html",
) -> Template:
    """Step 2 from the kept file (the page, or with `template` its form alone); `refused`: the import's error and
    the choices made, shown again (400)."""
    path = await upload_store.upload_path(user.id, target.key, token)
    sheets = await asyncio.to_thread(workbook_sheets, path)
    chosen = sheet if sheet in sheets else None
    found = await asyncio.to_thread(
        preview, path, has_header=has_header, max_bytes=settings.max_upload_bytes, sheet=chosen
    )
    context = {
        "target": target,
        "token": token,
        "preview": found,
        "sheets": sheets,
        "sheet": chosen or (sheets[0] if sheets else ""),
        "phone_index": default_phone_column(found.columns),
        "region": settings.default_region,
        "mode": "add",
        "error": "",
    }
    return Template(template, context={**context, **(refused or {})}, status_code=200 if refused is None else 400)
