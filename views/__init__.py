"""Litestar controllers; with app.py the only code that imports litestar."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    """Every controller of the app, in one list `create_app` mounts."""
    from views.account import AccountPages
    from views.api.account import AccountApi
    from views.api.campaigns import CampaignApi
    from views.api.message_templates import TemplateApi
    from views.api.recipients import RecipientsApi
    from views.auth import AuthPages
    from views.campaigns import CampaignPages
    from views.home import HomePages
    from views.message_templates import MessageTemplatePages
    from views.recipients import RecipientPages

    return [
        AuthPages,
        AccountPages,
        HomePages,
        CampaignPages,
        RecipientPages,
        MessageTemplatePages,
        AccountApi,
        CampaignApi,
        RecipientsApi,
        TemplateApi,
    ]
