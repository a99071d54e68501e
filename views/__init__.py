"""Litestar controllers; with app.py the only code that imports litestar."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler


def route_handlers() -> list[ControllerRouterHandler]:
    """Every controller of the app, one package per resource, in one list `create_app` mounts."""
    from views import accounts, campaigns, contacts, instances, message_templates, optouts
    from views.dashboard import DashboardPages
    from views.home import HomePages
    from views.locale import LocaleSwitch
    from views.webhooks import EvolutionWebhooks

    return [
        HomePages,
        DashboardPages,
        EvolutionWebhooks,
        LocaleSwitch,
        *accounts.CONTROLLERS,
        *campaigns.CONTROLLERS,
        *contacts.CONTROLLERS,
        *instances.CONTROLLERS,
        *message_templates.CONTROLLERS,
        *optouts.CONTROLLERS,
    ]
