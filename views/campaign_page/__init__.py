"""The campaign page and everything a marketer watches on it: live progress, actions, recipients, charts, report.

`views/campaigns.py` holds the list and the form; this package holds the detail page, split by sub-resource.
"""

from views.campaign_page.detail import CampaignDetailPages
from views.campaign_page.recipients import CampaignRecipientPages
from views.campaign_page.reports import CampaignReportPages
from views.campaign_page.test_send import CampaignTestSendPages

__all__ = ["CampaignDetailPages", "CampaignRecipientPages", "CampaignReportPages", "CampaignTestSendPages"]
