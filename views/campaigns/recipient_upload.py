"""A campaign's recipients through the import wizard (views/import_wizard.py): `/campaigns/{id}/recipients/...`; its
target also serves `POST /api/campaigns/{id}/recipients` (views/import_api.py)."""

from __future__ import annotations

from pathlib import Path

from litestar.di import Provide

from models.recipients import ImportOptions, ImportReport, import_csv
from views.campaigns.deps import OwnCampaign, provide_own_campaign
from views.deps import AppClock, AppSettings, SignedInUser
from views.i18n import _
from views.import_wizard import ImportTarget, ImportWizard


async def campaign_target(
    campaign: OwnCampaign, current_user: SignedInUser, settings: AppSettings, clock: AppClock
) -> ImportTarget:
    """The user's own campaign (404 otherwise) as the import's target (pages and API); it only adds recipients."""

    async def run(path: Path, options: ImportOptions, mode: str) -> ImportReport:
        return await import_csv(
            campaign.id, path, options, owner_id=current_user.id, settings=settings, now=clock.now()
        )

    return ImportTarget(
        key=f"campaign-{campaign.id}",
        base=f"/campaigns/{campaign.id}/recipients",
        title=_("Add recipients · %(name)s") % {"name": campaign.name},
        back_url=f"/campaigns/{campaign.id}",
        back_label=_("Back to the campaign"),
        total_label=_("recipients in the campaign"),
        report_file=f"import-report-campaign-{campaign.id}",
        run=run,
        variables_label=_("Variables (use them in the message as {{name}})"),
    )


class RecipientPages(ImportWizard):
    path = "/campaigns/{campaign_id:int}/recipients"
    route_prefix = "recipients"
    dependencies = {"campaign": Provide(provide_own_campaign), "target": Provide(campaign_target)}
