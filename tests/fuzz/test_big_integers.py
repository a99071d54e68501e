"""Finding 5: an integer past 64 bits in a path id, a query number or a JSON field answers 400 or 404, never 500."""

from __future__ import annotations

import pytest

from tests.factories import make_campaign
from tests.integration.api_helpers import api_caller

HUGE = [2**63, 2**64]


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/campaigns/{n}"),
        ("PUT", "/api/campaigns/{n}"),
        ("DELETE", "/api/campaigns/{n}"),
        ("GET", "/api/campaigns/{n}/progress"),
        ("POST", "/api/campaigns/{n}/actions"),
        ("GET", "/api/campaigns/{n}/recipients"),
        ("GET", "/api/instances/{n}"),
        ("DELETE", "/api/instances/{n}"),
        ("POST", "/api/instances/{n}/check"),
        ("GET", "/api/templates/{n}"),
        ("DELETE", "/api/templates/{n}"),
        ("DELETE", "/api/opt-outs/{n}"),
    ],
)
async def test_a_path_id_past_64_bits_is_not_found(client, caller, method, path, value):
    body = {"action": "start"} if path.endswith("actions") else {}
    response = await client.request(
        method, path.format(n=value), json=body if method in ("POST", "PUT") else None, headers=caller.headers
    )
    assert (response.status_code, response.json()["status_code"]) == (404, 404)


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/campaigns", "offset"),
        ("/api/campaigns", "limit"),
        ("/api/campaigns", "instanceId"),
        ("/api/opt-outs", "page"),
        ("/api/campaigns/{campaign}/recipients", "offset"),
        ("/api/campaigns/{campaign}/recipients", "limit"),
    ],
)
async def test_a_query_number_past_64_bits_is_bad_input(client, caller, path, name, value):
    campaign = await make_campaign(caller.user.id, caller.instance_id)
    response = await client.get(path.format(campaign=campaign.id), params={name: value}, headers=caller.headers)
    assert response.status_code == 400, response.text
    assert [error["field"] for error in response.json()["errors"]] == [name]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["instanceId", "templateId", "rateLimit", "maxRetries"])
async def test_a_campaign_json_integer_past_64_bits_is_bad_input(client, caller, field, value):
    response = await client.post("/api/campaigns", json=caller.body(**{field: value}), headers=caller.headers)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["ratePerMinute", "jitterPercent", "dailyCap"])
async def test_an_instance_json_integer_past_64_bits_is_bad_input(client, caller, field, value):
    response = await client.put(f"/api/instances/{caller.instance_id}", json={field: value}, headers=caller.headers)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("value", HUGE)
async def test_a_page_id_past_64_bits_is_not_found(client, login, caller, value):
    await login(caller.user)
    response = await client.get(f"/campaigns/{value}")
    assert response.status_code == 404


@pytest.mark.parametrize("raw", ["+-5", "²", "1" * 5000, "-" + "9" * 30])
async def test_a_malformed_or_endless_query_number_is_bad_input(client, caller, raw):
    response = await client.get("/api/campaigns", params={"offset": raw}, headers=caller.headers)
    assert response.status_code == 400, response.text
