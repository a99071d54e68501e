"""What the fuzzers rely on, each shown once by hand: NUL refused, 405 with Allow, the schema declares the rules."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import api_caller


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def test_a_nul_in_a_search_is_bad_input(client, caller):
    response = await client.get("/api/campaigns", params={"search": "a\x00b"}, headers=caller.headers)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["search"]


async def test_a_nul_in_a_json_string_is_bad_input_naming_its_field(client, caller):
    response = await client.post("/api/templates", json={"name": "a\x00", "body": "hi"}, headers=caller.headers)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["name"]


async def test_a_method_a_route_does_not_have_answers_405_with_allow(client, caller):
    response = await client.request("PATCH", "/api/campaigns/stats", headers=caller.headers)
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET"}


async def test_an_unclosed_ipv6_media_url_is_refused_with_the_field_named(client, caller):
    body = {"name": "T", "body": "hi", "mediaUrl": "http://[", "mediaType": "image"}
    response = await client.post("/api/templates", json=body, headers=caller.headers)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["mediaUrl"]


async def test_a_non_ascii_api_key_is_refused_instead_of_crashing_the_header(client, caller):
    url = f"/api/instances/{caller.instance_id}"
    response = await client.put(url, json={"apiKey": "chavé"}, headers=caller.headers)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["api_key"]


async def test_the_schema_declares_the_answers_ranges_and_enums_the_api_keeps(client, caller):
    schema = (await client.get("/schema/openapi.json", headers=caller.headers)).json()
    update = schema["paths"]["/api/campaigns/{campaign_id}"]["put"]
    assert {"200", "400", "401", "404", "409"} <= set(update["responses"])
    create = schema["components"]["schemas"]["CampaignCreate"]
    assert (create["properties"]["rateLimit"]["minimum"], create["properties"]["rateLimit"]["maximum"]) == (1, 60)
    assert create["additionalProperties"] is False and "name" in create["required"]
    action = schema["components"]["schemas"]["ActionBody"]["properties"]["action"]
    assert sorted(action["enum"]) == ["cancel", "pause", "resume", "start"]
    sort_by = next(p for p in schema["paths"]["/api/campaigns"]["get"]["parameters"] if p["name"] == "sortBy")
    assert "createdAt" in sort_by["schema"]["enum"]
    assert update["security"] == [{"BearerToken": []}]
