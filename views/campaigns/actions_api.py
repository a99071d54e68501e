"""JSON API: act on a campaign (start, pause, resume, cancel) and read its progress."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from models.accounts.users import CurrentUser
from models.campaigns import actions as campaign_actions
from scheduler.clock import Clock
from views.guards import requires_login
from views.schemas import CHANGE, ONE, campaign_json


class ActionBody(msgspec.Struct, forbid_unknown_fields=True):
    action: str


class CampaignActionsApi(Controller):
    path = "/api/campaigns"
    guards = [requires_login]
    tags = ["campaigns"]

    @post("/{campaign_id:int}/actions", name="api_campaign_act", raises=CHANGE, status_code=200)
    async def act(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[ActionBody],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """409 when the status refuses the action, 404 when missing or not yours, 400 for an unknown action."""
        campaign = await campaign_actions.perform(campaign_id, data.action, owner_id=current_user.id, now=clock.now())
        return campaign_json(campaign)

    @get("/{campaign_id:int}/progress", name="api_campaign_progress", raises=ONE)
    async def progress(
        self, campaign_id: FromPath[int], current_user: NamedDependency[CurrentUser], clock: NamedDependency[Clock]
    ) -> dict[str, Any]:
        """Percent, counters, current rate (msg/min over 5 minutes) and ETA (seconds)."""
        result = await campaign_actions.own_progress(campaign_id, owner_id=current_user.id, now=clock.now())
        return result.as_json()
