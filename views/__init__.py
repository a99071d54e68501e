"""Litestar controllers; with app.py the only code that imports litestar."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    """Every controller of the app, in one list `create_app` mounts."""
    from views.account import AccountPages
    from views.api.account import AccountApi
    from views.api.campaign_actions import CampaignActionsApi
    from views.api.campaigns import CampaignApi
    from views.api.instances import InstanceApi
    from views.api.message_templates import TemplateApi
    from views.api.optouts import OptOutApi
    from views.api.recipients import RecipientsApi
    from views.auth import AuthPages
    from views.campaign_page import (
        CampaignDetailPages,
        CampaignRecipientPages,
        CampaignReportPages,
        CampaignTestSendPages,
    )
    from views.campaigns import CampaignPages
    from views.dashboard import DashboardPages
    from views.home import HomePages
    from views.instances import InstancePages
    from views.message_templates import MessageTemplatePages
    from views.optouts import OptOutPages
    from views.recipients import RecipientPages
    from views.webhooks import EvolutionWebhooks

    return [
        AuthPages,
        AccountPages,
        HomePages,
        CampaignPages,
        InstancePages,
        RecipientPages,
        CampaignDetailPages,
        CampaignRecipientPages,
        CampaignReportPages,
        CampaignTestSendPages,
        DashboardPages,
        OptOutPages,
        AccountApi,
        InstanceApi,
        RecipientsApi,
        CampaignActionsApi,
        OptOutApi,
        EvolutionWebhooks,
        MessageTemplatePages,
        CampaignApi,
        TemplateApi,
    ]
