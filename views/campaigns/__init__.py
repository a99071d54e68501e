"""The campaign resource in one place: pages and fragments side by side with the JSON API.

- `pages` (list, delete) and `editor` (new/edit form, live preview), joined in `CampaignPages`;
- `detail` (the page, its live block, actions), `recipients` (table fragment, retry failed), `reports` (CSV),
  `test_send`, `recipient_upload` (the three-step CSV import);
- `api`, `actions_api`, `recipients_api`: the same operations under `/api/campaigns`;
- `audience`: the audience before Start (panel and API) and duplicating a campaign.

`CampaignPages` joins two route sets into one controller because Litestar registers one OPTIONS handler per
path and controller (two controllers both owning `/campaigns/` would collide).
"""

from views.campaigns.actions_api import CampaignActionsApi
from views.campaigns.api import CampaignApi
from views.campaigns.audience import CampaignAudienceApi, CampaignAudiencePages
from views.campaigns.detail import CampaignDetailPages
from views.campaigns.editor import CampaignEditorRoutes
from views.campaigns.pages import CampaignListRoutes
from views.campaigns.recipient_upload import RecipientPages
from views.campaigns.recipients import CampaignRecipientPages
from views.campaigns.recipients_api import RecipientsApi
from views.campaigns.reports import CampaignReportPages
from views.campaigns.test_send import CampaignTestSendPages
from views.guards import requires_login


class CampaignPages(CampaignListRoutes, CampaignEditorRoutes):
    path = "/campaigns"
    guards = [requires_login]
    include_in_schema = False


CONTROLLERS = [
    CampaignPages,
    CampaignDetailPages,
    CampaignRecipientPages,
    CampaignReportPages,
    CampaignTestSendPages,
    RecipientPages,
    CampaignApi,
    CampaignActionsApi,
    RecipientsApi,
    CampaignAudiencePages,
    CampaignAudienceApi,
]

__all__ = ["CONTROLLERS", "CampaignPages"]
