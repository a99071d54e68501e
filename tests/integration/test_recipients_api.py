"""POST/GET /api/campaigns/{id}/recipients through HTTP with a bearer token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from app import create_app
from models.accounts.users import create_api_token
from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage
from settings import Settings
from tests.factories import NOW, make_campaign

CSV = b"telefone;Nome\r\n+55 11 98888-7777;Ana\r\n(21) 97777-6666;Bruno\r\n123;Caio\r\n"


async def bearer(user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_token(user_id, 'tests', now=NOW)}"}


@pytest.fixture
async def owner(make_user: Any) -> Any:
    return await make_user()


async def test_a_csv_body_is_imported_and_answers_the_report(client, owner):
    campaign = await make_campaign(owner.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        content=CSV,
        headers={**await bearer(owner.id), "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["imported"], body["counts"], body["skipped"][0]["row"]) == (
        2,
        {"invalid": 1, "duplicate": 0, "optedOut": 0},
        4,
    )


async def test_a_multipart_file_is_imported_with_the_mapping_from_the_query(client, owner):
    campaign = await make_campaign(owner.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        params={"hasHeader": "false", "phoneColumn": "2", "variableColumns": "1", "defaultRegion": "BR"},
        files={"file": ("list.csv", b"Ana,11988887777\nBia,21977776666\n", "text/csv")},
        headers=await bearer(owner.id),
    )
    assert response.status_code == 201, response.text
    listed = await client.get(f"/api/campaigns/{campaign.id}/recipients", headers=await bearer(owner.id))
    assert [(r["phone"], r["variables"]) for r in listed.json()["items"]] == [
        ("5511988887777", {"1": "Ana"}),
        ("5521977776666", {"1": "Bia"}),
    ]


async def test_a_binary_body_answers_400_with_the_reason(client, owner):
    campaign = await make_campaign(owner.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        content=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        headers=await bearer(owner.id),
    )
    assert (response.status_code, "binary" in response.json()["detail"]) == (400, True)


async def test_an_unknown_phone_column_answers_400_naming_the_field(client, owner):
    campaign = await make_campaign(owner.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        params={"phoneColumn": "celular"},
        content=CSV,
        headers=await bearer(owner.id),
    )
    assert (response.status_code, [e["field"] for e in response.json()["errors"]]) == (400, ["phoneColumn"])


async def test_another_users_campaign_answers_404(client, owner, make_user):
    other = await make_user()
    campaign = await make_campaign(other.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients", content=CSV, headers=await bearer(owner.id)
    )
    assert response.status_code == 404


async def test_a_running_campaign_answers_409_naming_its_status(client, owner):
    campaign = await make_campaign(owner.id, None, status=CampaignStatus.RUNNING)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients", content=CSV, headers=await bearer(owner.id)
    )
    assert (response.status_code, "Running" in response.json()["detail"]) == (409, True)


async def test_a_cookie_session_cannot_import(client, owner, login):
    campaign = await make_campaign(owner.id, None)
    await login(owner)
    response = await client.post(f"/api/campaigns/{campaign.id}/recipients", content=CSV)
    assert response.status_code in (401, 403)


@pytest.fixture
async def small_client(settings: Settings, clock: Any) -> Any:
    from dataclasses import replace

    from asgi_lifespan import LifespanManager

    app: Litestar = create_app(replace(settings, max_upload_bytes=100_000), clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_body_over_the_size_limit_answers_400_and_writes_nothing(small_client, owner):
    campaign = await make_campaign(owner.id, None)
    body = b"phone\n" + b"11988887777\n" * 20_000
    response = await small_client.post(
        f"/api/campaigns/{campaign.id}/recipients", content=body, headers=await bearer(owner.id)
    )
    assert (response.status_code, "larger than" in response.json()["detail"]) == (400, True)
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 0
    assert await Campaign.select(Campaign.total_recipients).where(Campaign.id == campaign.id).first() == {
        "total_recipients": 0
    }


async def test_a_streamed_body_without_length_over_the_limit_is_refused(small_client, owner):
    campaign = await make_campaign(owner.id, None)

    async def chunks() -> Any:
        for _ in range(200):
            yield b"11988887777\n" * 100

    response = await small_client.post(
        f"/api/campaigns/{campaign.id}/recipients", content=chunks(), headers=await bearer(owner.id)
    )
    assert (response.status_code, "larger than" in response.json()["detail"]) == (400, True)


async def test_the_list_filters_by_status_and_searches_digits(client, owner):
    campaign = await make_campaign(owner.id, None)
    await client.post(f"/api/campaigns/{campaign.id}/recipients", content=CSV, headers=await bearer(owner.id))
    response = await client.get(
        f"/api/campaigns/{campaign.id}/recipients",
        params={"status": "pending", "search": "(21) 9777"},
        headers=await bearer(owner.id),
    )
    body = response.json()
    assert (body["total"], body["items"][0]["rawPhone"], body["items"][0]["sentAt"]) == (1, "(21) 97777-6666", None)


async def test_the_list_refuses_a_limit_over_500(client, owner):
    campaign = await make_campaign(owner.id, None)
    response = await client.get(
        f"/api/campaigns/{campaign.id}/recipients", params={"limit": 501}, headers=await bearer(owner.id)
    )
    assert response.status_code == 400
