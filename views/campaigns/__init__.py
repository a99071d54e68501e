"""The campaign resource in one place: pages and fragments side by side with the JSON API.

- `pages` (list, delete) and `editor` (new/edit form, live preview), joined in `CampaignPages`;
- `detail` (the page, its live block, actions, with `test_send`'s route), `start` (the confirmation Start leads to),
  `recipients` (table fragment, retry failed), `reports` (CSV),
  `recipient_upload` (the three-step CSV import), `media` (an uploaded media file),
  `reach` (check numbers, the campaign's numbers);
- `api` (with actions and progress), `recipients_api`: the same operations under `/api/campaigns`;
- `deps`: `provide_own_campaign`, the one dependency that loads "the user's own campaign" (404 when missing or
  not yours) for any handler that needs the row; handlers that only pass the id on call a model function that
  scopes by owner the same way (models/ownership.get_own).
- `audience`: the audience before Start (panel and API) and duplicating a campaign.

`CampaignPages` joins two route sets into one controller because Litestar registers one OPTIONS handler per
path and controller (two controllers both owning `/campaigns/` would collide).
"""

from litestar.di import Provide

from views.campaigns.api import CampaignApi
from views.campaigns.audience import CampaignAudienceApi, CampaignAudiencePages
from views.campaigns.deps import OWN_CAMPAIGN
from views.campaigns.detail import CampaignDetailPages
from views.campaigns.editor import CampaignEditorRoutes
from views.campaigns.media import CampaignMediaPages
from views.campaigns.pages import CampaignListRoutes, provide_list_filter
from views.campaigns.reach import CampaignReachPages
from views.campaigns.recipient_upload import RecipientPages
from views.campaigns.recipients import CampaignRecipientPages
from views.campaigns.recipients_api import RecipientsApi
from views.campaigns.reports import CampaignReportPages
from views.campaigns.start import CampaignStartPages
from views.guards import SignedInPages


class CampaignPages(CampaignListRoutes, CampaignEditorRoutes, SignedInPages):
    path = "/campaigns"
    dependencies = {**OWN_CAMPAIGN, "list_filter": Provide(provide_list_filter)}


CONTROLLERS = [
    CampaignPages,
    CampaignDetailPages,
    CampaignStartPages,
    CampaignMediaPages,
    CampaignRecipientPages,
    CampaignReportPages,
    CampaignReachPages,
    RecipientPages,
    CampaignApi,
    RecipientsApi,
    CampaignAudiencePages,
    CampaignAudienceApi,
]

__all__ = ["CONTROLLERS", "CampaignPages"]
