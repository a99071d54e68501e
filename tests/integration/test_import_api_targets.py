"""The three import endpoints (a campaign's recipients, a list's contacts, the opt-outs) answer alike: 201 with the
report, 400 naming a bad query field, 404 for another user's campaign or list; and their list endpoints page alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from models.accounts.users import create_api_token
from tests.factories import NOW, make_campaign

CSV = b"telefone;Nome\r\n+55 11 98888-7777;Ana\r\n(21) 97777-6666;Bruno\r\n123;Caio\r\n"
REPORT_KEYS = {"imported", "skippedCount", "counts", "totalRecipients", "skipped"}


@dataclass
class Target:
    import_url: str
    list_url: str
    route: str
    path_params: dict[str, int]


async def bearer(user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_api_token(user_id, 'tests', now=NOW)}"}


async def target_of(kind: str, client: Any, user_id: int) -> Target:
    if kind == "recipients":
        campaign = await make_campaign(user_id, None)
        url = f"/api/campaigns/{campaign.id}/recipients"
        return Target(url, url, "api_recipients_import", {"campaign_id": campaign.id})
    if kind == "list":
        created = await client.post("/api/lists", json={"name": "Clientes"}, headers=await bearer(user_id))
        list_id = created.json()["id"]
        url = f"/api/lists/{list_id}/contacts"
        return Target(url, url, "api_list_import", {"list_id": list_id})
    return Target("/api/opt-outs/import", "/api/opt-outs", "api_optout_import", {})


KINDS = ["recipients", "list", "optouts"]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_csv_answers_201_with_the_report_and_the_list_shows_what_went_in(app, client, make_user, kind):
    user = await make_user()
    target = await target_of(kind, client, user.id)
    assert app.route_reverse(target.route, **target.path_params) == target.import_url
    headers = await bearer(user.id)
    answer = await client.post(target.import_url, content=CSV, headers={**headers, "Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (set(report), report["imported"], report["skipped"][0]["row"]) == (REPORT_KEYS, 2, 4)
    listed = await client.get(target.list_url, headers=headers)
    assert listed.status_code == 200, listed.text
    paging = {"page": 1, "pages": 1} if kind == "optouts" else {"limit": 50, "offset": 0}
    assert {key: value for key, value in listed.json().items() if key != "items"} == {"total": 2, **paging}
    assert len(listed.json()["items"]) == 2


@pytest.mark.parametrize("kind", KINDS)
async def test_a_bad_query_field_answers_400_naming_it(client, make_user, kind):
    user = await make_user()
    target = await target_of(kind, client, user.id)
    answer = await client.post(
        target.import_url,
        content=CSV,
        params={"hasHeader": "maybe"},
        headers={**await bearer(user.id), "Content-Type": "text/csv"},
    )
    assert (answer.status_code, [e["field"] for e in answer.json()["errors"]]) == (400, ["hasHeader"])


@pytest.mark.parametrize("kind", ["recipients", "list"])
async def test_another_users_campaign_or_list_answers_404(client, make_user, kind):
    owner, stranger = await make_user(), await make_user()
    target = await target_of(kind, client, owner.id)
    headers = {**await bearer(stranger.id), "Content-Type": "text/csv"}
    assert (await client.post(target.import_url, content=CSV, headers=headers)).status_code == 404
    assert (await client.get(target.list_url, headers=headers)).status_code == 404


async def test_only_the_list_import_takes_a_mode_and_a_wrong_one_answers_400_naming_it(client, make_user):
    user = await make_user()
    target = await target_of("list", client, user.id)
    headers = {**await bearer(user.id), "Content-Type": "text/csv"}
    answer = await client.post(target.import_url, content=CSV, params={"mode": "merge"}, headers=headers)
    assert (answer.status_code, [e["field"] for e in answer.json()["errors"]]) == (400, ["mode"])
    replaced = await client.post(target.import_url, content=CSV, params={"mode": "replace"}, headers=headers)
    assert (replaced.status_code, replaced.json()["imported"]) == (201, 2)


async def test_the_schema_documents_each_import_with_its_own_answers_and_only_the_list_with_a_mode(client, make_user):
    user = await make_user()
    schema = (await client.get("/schema/openapi.json", headers=await bearer(user.id))).json()["paths"]
    imports = {
        "/api/campaigns/{campaign_id}/recipients": ({"201", "400", "401", "404", "409"}, "recipients"),
        "/api/lists/{list_id}/contacts": ({"201", "400", "401", "404"}, "lists"),
        "/api/opt-outs/import": ({"201", "400", "401"}, "opt-outs"),
    }
    for path, (answers, tag) in imports.items():
        operation = schema[path]["post"]
        assert (set(operation["responses"]), operation["tags"], operation["summary"]) == (answers, [tag], "Import")
        names = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        mode = ["mode"] if path.startswith("/api/lists") else []
        assert names == ["hasHeader", "phoneColumn", "variableColumns", "defaultRegion", "sheet", *mode]
