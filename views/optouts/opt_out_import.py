"""Opt-outs from a file: the import wizard's pages (`/opt-outs/import/...`) and `POST /api/opt-outs/import`."""

from __future__ import annotations

from pathlib import Path

from litestar.di import Provide

from models.inbound.optout_import import import_opt_outs
from models.recipients import ImportOptions, ImportReport
from views.deps import AppClock, AppSettings, SignedInUser
from views.i18n import _
from views.import_api import ImportApi
from views.import_wizard import ImportTarget, ImportWizard
from views.schemas import INPUT


async def opt_out_target(current_user: SignedInUser, settings: AppSettings, clock: AppClock) -> ImportTarget:
    """The user's opt-out list as the import's target (pages and API): only the phone column matters."""

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


class OptOutImportApi(ImportApi, name="api_optout_import", raises=INPUT):
    """Every valid new number becomes an opt-out (its pending messages skipped)."""

    path = "/api/opt-outs/import"
    tags = ["opt-outs"]
    dependencies = {"target": Provide(opt_out_target)}
