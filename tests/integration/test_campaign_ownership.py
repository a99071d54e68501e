"""Another user's campaign is "not found" on every campaign route, pages, fragments and API alike, and stays as it was.

`CAMPAIGN_ROUTES` names each route with a body it accepts, so the 404 comes from ownership and not from a bad
request; `test_every_campaign_route_is_in_the_ownership_list` fails when a new route is not added here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import csrf_token, html

EDIT_FORM = {"name": "Mine now", "message": "Hi", "rate_limit": "20", "max_retries": "3"}
CSV = "phone\n5511988880002\n"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # after /campaigns/{id} or /api/campaigns/{id}
    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    csv: bool = False
    upload: bool = False

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


CAMPAIGN_ROUTES = [
    Route("GET", "/campaigns/{id}"),
    Route("GET", "/campaigns/{id}/progress"),
    Route("POST", "/campaigns/{id}/actions", form={"action": "start"}),
    Route("GET", "/campaigns/{id}/start"),
    Route("GET", "/campaigns/{id}/edit"),
    Route("POST", "/campaigns/{id}/edit", form=EDIT_FORM),
    Route("GET", "/campaigns/{id}/delete"),
    Route("POST", "/campaigns/{id}/delete", form={}),
    Route("GET", "/campaigns/{id}/export.csv"),
    Route("GET", "/campaigns/{id}/export.xlsx"),
    Route("GET", "/campaigns/{id}/audience"),
    Route("GET", "/campaigns/{id}/audience/panel"),
    Route("POST", "/campaigns/{id}/lists", form={}),
    Route("POST", "/campaigns/{id}/duplicate", form={}),
    Route("POST", "/campaigns/{id}/test-send", form={"phone": "5511988880002"}),
    Route("GET", "/campaigns/{id}/number-check"),
    Route("POST", "/campaigns/{id}/number-check", form={}),
    Route("GET", "/campaigns/{id}/numbers"),
    Route("GET", "/campaigns/{id}/recipients/rows"),
    Route("POST", "/campaigns/{id}/recipients/retry", form={}),
    Route("GET", "/campaigns/{id}/recipients/upload"),
    Route("POST", "/campaigns/{id}/recipients/upload", upload=True),
    Route("GET", "/campaigns/{id}/recipients/mapping?upload=x"),
    Route("GET", "/campaigns/{id}/recipients/mapping/form?upload=x"),
    Route("POST", "/campaigns/{id}/recipients/import", form={"upload": "x", "phone_column": "0"}),
    Route("GET", "/campaigns/{id}/recipients/report?upload=x"),
    Route("GET", "/campaigns/{id}/recipients/report.csv?upload=x"),
    Route("GET", "/campaigns/{id}/media"),
    Route("POST", "/campaigns/{id}/media", upload=True),
    Route("POST", "/campaigns/{id}/media/delete", form={}),
    Route("GET", "/api/campaigns/{id}"),
    Route("PUT", "/api/campaigns/{id}", json={"name": "Mine now"}),
    Route("DELETE", "/api/campaigns/{id}"),
    Route("POST", "/api/campaigns/{id}/actions", json={"action": "start"}),
    Route("GET", "/api/campaigns/{id}/progress"),
    Route("GET", "/api/campaigns/{id}/audience"),
    Route("POST", "/api/campaigns/{id}/duplicate", json={}),
    Route("GET", "/api/campaigns/{id}/history"),
    Route("GET", "/api/campaigns/{id}/recipients"),
    Route("POST", "/api/campaigns/{id}/recipients", csv=True),
]


def campaign_routes_of(app: Litestar) -> set[tuple[str, str]]:
    """(method, path) of every route of the app that names a campaign in its path."""
    return {
        (method, route.path.replace("{campaign_id:int}", "{id}"))
        for route in app.routes
        if "{campaign_id:int}" in route.path
        for method in route.methods - {"HEAD", "OPTIONS"}
    }


def test_every_campaign_route_is_in_the_ownership_list(app: Litestar) -> None:
    listed = {(route.method, route.path.split("?")[0]) for route in CAMPAIGN_ROUTES}
    assert campaign_routes_of(app) == listed


@pytest.fixture
async def theirs(make_user) -> Campaign:
    """Someone else's paused campaign with a failed recipient: something every action could change."""
    other = await make_user()
    instance = await make_instance(other.id)
    rows = [*recipient_rows(["5511988880001"]), {"phone": "5511988880003", "variables": {}, "status": "FAILED"}]
    return await make_campaign(other.id, instance.id, recipients=rows, status=CampaignStatus.PAUSED)


async def snapshot(campaign_id: int) -> list[Any]:
    campaign = await Campaign.objects().get(Campaign.id == campaign_id)
    messages = await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status).order_by(
        CampaignMessage.phone
    )
    return [campaign.name if campaign else None, campaign.status if campaign else None, messages]


@pytest.mark.parametrize("route", CAMPAIGN_ROUTES, ids=lambda r: f"{r.method} {r.path}")
async def test_another_users_campaign_answers_404_and_changes_nothing(client, make_user, login, theirs, route):
    me = await make_user()
    await make_instance(me.id)
    before = await snapshot(theirs.id)
    url = route.path.replace("{id}", str(theirs.id))
    if route.is_api:
        headers = {"Authorization": f"Bearer {await create_api_token(me.id, 'tests', now=NOW)}"}
        content = CSV.encode() if route.csv else None
        if route.csv:
            headers["Content-Type"] = "text/csv"
        response = await client.request(route.method, url, json=route.json, content=content, headers=headers)
        assert response.json()["status_code"] == 404
    else:
        await login(me)
        data: dict[str, str] | None = None
        files = None
        if route.method == "POST":
            data = {**(route.form or {}), "_csrf_token": await csrf_token(client, "/campaigns/new")}
            files = {"file": ("list.csv", CSV.encode(), "text/csv")} if route.upload else None
        response = await client.request(route.method, url, data=data, files=files)
        if "text/html" in response.headers.get("content-type", ""):
            assert html(response).select_one(".error-code").get_text(strip=True) == "404"
    assert response.status_code == 404, response.text
    assert await snapshot(theirs.id) == before
    assert before[1] == CampaignStatus.PAUSED and MessageStatus.FAILED in [m["status"] for m in before[2]]
