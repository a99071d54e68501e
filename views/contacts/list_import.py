"""A list's contacts through the import wizard (views/import_wizard.py): `/lists/{id}/contacts/...`, add or replace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar.di import Provide
from litestar.params import FromPath, QueryParameter

from models.contacts.importing import import_into_list, import_mode
from models.contacts.lists import get_list
from models.recipients import ImportOptions, ImportReport
from views.deps import AppClock, AppSettings, SignedInUser
from views.i18n import _
from views.import_wizard import ImportTarget, ImportWizard


async def list_target(
    list_id: FromPath[int],
    current_user: SignedInUser,
    settings: AppSettings,
    clock: AppClock,
) -> ImportTarget:
    """The user's own list (404 otherwise) as the import's target (pages and API); a re-import updates attributes."""
    chosen = await get_list(list_id, owner_id=current_user.id)

    async def run(path: Path, options: ImportOptions, mode: str) -> ImportReport:
        return await import_into_list(
            list_id,
            path,
            options,
            mode=import_mode(mode),
            owner_id=current_user.id,
            settings=settings,
            now=clock.now(),
        )

    return ImportTarget(
        key=f"list-{list_id}",
        base=f"/lists/{list_id}/contacts",
        title=_("Import into %(name)s") % {"name": chosen.name},
        back_url=f"/contacts?list_id={list_id}",
        back_label=_("See the list's contacts"),
        total_label=_("contacts in the list"),
        report_file=f"import-report-list-{list_id}",
        run=run,
        variables_label=_("Attributes (the message's variables in campaigns that use the list)"),
        modes=True,
    )


async def list_import_mode(mode: Annotated[str | None, QueryParameter(name="mode", max_length=10)] = None) -> str:
    """The API's `mode` query parameter (the pages send it in the form): add, the default, or replace; a wrong one
    is a 400 naming it before the file is read."""
    return import_mode(mode).value


class ListImportPages(ImportWizard):
    path = "/lists/{list_id:int}/contacts"
    route_prefix = "list"
    dependencies = {"target": Provide(list_target)}
