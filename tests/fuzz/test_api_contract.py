"""What the fuzzers rely on, each shown once by hand: NUL refused, 405 with Allow, the schema declares the rules."""

from __future__ import annotations

import pytest

from tests.integration.api_helpers import api_caller
from views.bounds import INT_MAX


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


async def test_every_api_operation_declares_401_and_each_one_with_an_id_declares_404(client, caller):
    schema = (await client.get("/schema/openapi.json", headers=caller.headers)).json()
    undeclared = []
    for path, item in schema["paths"].items():
        for method, operation in item.items() if path.startswith("/api/") else ():
            wanted = {"401", "404"} if "{" in path else {"401"}
            undeclared += [f"{method.upper()} {path} {code}" for code in wanted - set(operation["responses"])]
    assert undeclared == []


async def test_every_integer_query_parameter_is_bounded_by_the_database_integer(client, caller):
    schema = (await client.get("/schema/openapi.json", headers=caller.headers)).json()
    unbounded = [
        f"{path} {parameter['name']}"
        for path, item in schema["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        for arm in parameter["schema"].get("oneOf", [parameter["schema"]])
        if parameter["in"] == "query"
        and arm.get("type") == "integer"
        and arm.get("maximum", parameter["schema"].get("maximum", INT_MAX + 1)) > INT_MAX
    ]
    assert unbounded == []


async def test_the_schema_declares_the_contact_list_and_account_bodies_the_api_keeps(client, caller):
    components = (await client.get("/schema/openapi.json", headers=caller.headers)).json()["components"]["schemas"]
    for name in ("ContactIn", "ContactUpdate", "ListIn", "AccountUpdate"):
        assert components[name]["additionalProperties"] is False, name
    assert components["ContactIn"]["required"] == ["phone"]
    assert components["ListIn"]["required"] == ["name"]
    locale = components["AccountUpdate"]["properties"]["locale"]["oneOf"][0]
    assert sorted(locale["enum"]) == ["en", "pt-BR"]
    list_ids = components["CampaignUpdate"]["properties"]["listIds"]
    assert (list_ids["items"]["minimum"], list_ids["items"]["maximum"]) == (1, INT_MAX)


async def test_a_tag_filter_that_is_no_tag_finds_nobody_instead_of_refusing(client, caller):
    created = await client.post("/api/contacts", json={"phone": "+55 11 98888-0001", "tags": ["lead"]},
                                headers=caller.headers)  # fmt: skip
    assert created.status_code == 201, created.text
    for tag, total in (("lead", 1), ("Lead", 1), ("é!", 0), (",", 1)):
        response = await client.get("/api/contacts", params={"tag": tag}, headers=caller.headers)
        assert response.status_code == 200, (tag, response.text)
        assert response.json()["total"] == total, tag


async def test_a_campaign_update_refused_for_a_list_changes_none_of_its_other_fields(client, caller):
    created = await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)
    assert created.status_code == 201, created.text
    url = f"/api/campaigns/{created.json()['id']}"
    refused = await client.put(url, json={"name": "Renamed", "listIds": [987654]}, headers=caller.headers)
    assert refused.status_code == 404
    assert (await client.get(url, headers=caller.headers)).json()["name"] == "Black Friday"


async def test_a_campaign_list_id_past_the_database_integer_is_bad_input(client, caller):
    created = await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)
    url = f"/api/campaigns/{created.json()['id']}"
    response = await client.put(url, json={"listIds": [2**40]}, headers=caller.headers)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["listIds[0]"]
