"""Litestar controllers; with app.py the only code that imports litestar."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    """Every controller of the app, in one list `create_app` mounts."""
    from views.account import AccountPages
    from views.api.account import AccountApi
    from views.api.campaign_actions import CampaignActionsApi
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
    from views.optouts import OptOutPages

    return [
        AuthPages,
        AccountPages,
        HomePages,
        CampaignPages,
        AccountApi,
        RecipientsApi,
        CampaignActionsApi,
        CampaignDetailPages,
        CampaignRecipientPages,
        CampaignReportPages,
        CampaignTestSendPages,
        DashboardPages,
        OptOutPages,
        OptOutApi,
    ]
