"""Opt-outs from a file: the import wizard's pages (`/opt-outs/import/...`) and `POST /api/opt-outs/import`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.di import NamedDependency, Provide

from models.inbound.optout_import import import_opt_outs
from models.recipients import ImportOptions, ImportReport
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi
from views.i18n import _
from views.import_wizard import ImportTarget, ImportWizard
from views.schemas import INPUT
from views.uploads import import_route, spooled_upload


async def opt_out_target(current_user: SignedInUser, settings: AppSettings, clock: AppClock) -> ImportTarget:
    """The user's opt-out list as the wizard's target: only the phone column matters."""

    async def run(path: Path, options: ImportOptions, mode: str) -> ImportReport:
        return await import_opt_outs(path, options, owner_id=current_user.id, settings=settings, now=clock.now())

    return ImportTarget(
        key="optouts",
        base="/opt-outs/import",
        title=_("Import opt-outs"),
        back_url="/opt-outs",
        back_label=_("Back to the opt-outs"),
        total_label=_("numbers on the opt-out list"),
        report_file="import-report-opt-outs",
        run=run,
    )


class OptOutImportPages(ImportWizard):
    path = "/opt-outs/import"
    route_prefix = "optout_import"
    dependencies = {"target": Provide(opt_out_target)}


class OptOutImportApi(SignedInApi):
    path = "/api/opt-outs/import"
    tags = ["opt-outs"]

    @import_route("/", name="api_optout_import", raises=INPUT)
    async def import_(
        self,
        request: AnyRequest,
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
        import_options: NamedDependency[ImportOptions],
    ) -> dict[str, Any]:
        """A CSV (`text/csv`), an XLSX (its media type) or a multipart `file`: every valid new number becomes an
        opt-out (its pending messages skipped); the answer is the import report, rows left out by row number.
        The query is the recipients import's (`hasHeader, phoneColumn, defaultRegion, sheet`)."""
        async with spooled_upload(request) as path:
            report = await import_opt_outs(
                path, import_options, owner_id=current_user.id, settings=settings, now=clock.now()
            )
        return report.as_json(_)
