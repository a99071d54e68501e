"""Campaigns from lists: `listIds`/`excludeListIds`, the audience frozen at Start, its preview, and duplicates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut
from tests.factories import NOW, make_instance
from tests.fixtures.web import csrf_token, html
from tests.sending_helpers import counters_match_statuses, dispatcher, run_until_done, sandbox_instance
from tests.spreadsheets import XLSX_TYPE, xlsx

CATEGORIES = ("duplicates", "optedOut", "excluded", "notOnWhatsapp", "frequencyCapped", "willReceive")



@pytest.fixture
async def caller(make_user: Any, sandbox: Any) -> Any:
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 'tests', now=NOW)}"}
    return user, headers, instance.id


async def list_with(client, headers, name: str, rows: list[list[Any]]) -> int:
    created = await client.post("/api/lists", json={"name": name}, headers=headers)
    list_id = int(created.json()["id"])
    answer = await client.post(
        f"/api/lists/{list_id}/contacts",
        content=xlsx([["phone", "Nome"], *rows]),
        headers={**headers, "Content-Type": XLSX_TYPE},
    )
    assert answer.status_code == 201, answer.text
    return list_id


async def new_campaign(client, headers, instance_id: int, **fields: Any) -> dict[str, Any]:
    body = {"name": "Lists", "instanceId": instance_id, "message": "Oi {{Nome}}!", "rateLimit": 60, **fields}
    created = await client.post("/api/campaigns", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def act(client, headers, campaign_id: int, action: str) -> Any:
    return await client.post(f"/api/campaigns/{campaign_id}/actions", json={"action": action}, headers=headers)


async def message_phones(campaign_id: int) -> list[str]:
    rows = await CampaignMessage.select(CampaignMessage.phone).where(CampaignMessage.campaign == campaign_id)
    return sorted(row["phone"] for row in rows)


async def test_two_campaigns_from_one_list_freeze_their_audiences_and_a_later_list_change_reaches_neither(
    client, caller
):
    _, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"], [5511988880002, "Bia"]])
    blocked = await list_with(client, headers, "Bloqueados", [[5511988880002, "Bia"]])
    first = await new_campaign(client, headers, instance_id, listIds=[clients], excludeListIds=[blocked])
    assert (first["listIds"], first["excludeListIds"], first["totalRecipients"]) == ([clients], [blocked], 0)
    assert (await act(client, headers, first["id"], "start")).status_code == 200
    await client.post(
        f"/api/lists/{clients}/contacts",
        content=b"phone,Nome\r\n5511988880003,Caio\r\n",
        headers={**headers, "Content-Type": "text/csv"},
    )
    second = await new_campaign(client, headers, instance_id, listIds=[clients], excludeListIds=[blocked])
    assert (await act(client, headers, second["id"], "start")).status_code == 200
    await client.post(
        f"/api/lists/{clients}/contacts",
        content=b"phone\r\n5511988880004\r\n",
        params={"mode": "replace"},
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert await message_phones(first["id"]) == ["5511988880001"]
    assert await message_phones(second["id"]) == ["5511988880001", "5511988880003"]
    started = await client.get(f"/api/campaigns/{second['id']}", headers=headers)
    assert (started.json()["totalRecipients"], started.json()["pendingCount"]) == (2, 2)


async def test_frozen_messages_take_their_variables_from_the_contacts_attributes(client, caller):
    _, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [["+55 11 98888-0001", "Ana"]])
    campaign = await new_campaign(client, headers, instance_id, listIds=[clients])
    await act(client, headers, campaign["id"], "start")
    [row] = await CampaignMessage.select(CampaignMessage.variables).where(CampaignMessage.campaign == campaign["id"])
    variables = row["variables"]
    assert (json.loads(variables) if isinstance(variables, str) else variables) == {"Nome": "Ana"}


async def test_a_campaign_whose_lists_give_nobody_is_not_started_and_keeps_no_messages(client, caller):
    _, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"]])
    everyone = await list_with(client, headers, "Todos", [[5511988880001, "Ana"]])
    campaign = await new_campaign(client, headers, instance_id, listIds=[clients], excludeListIds=[everyone])
    refused = await act(client, headers, campaign["id"], "start")
    assert refused.status_code == 409
    assert await message_phones(campaign["id"]) == []
    stored = await Campaign.objects().get(Campaign.id == campaign["id"])
    assert (stored.status, stored.total_recipients, stored.started_at) == (CampaignStatus.DRAFT.value, 0, None)


async def test_a_list_of_another_user_is_404_and_leaves_no_campaign(client, caller, make_user):
    user, headers, instance_id = caller
    stranger = await make_user()
    theirs = {"Authorization": f"Bearer {await create_api_token(stranger.id, 'tests', now=NOW)}"}
    their_list = await list_with(client, theirs, "Deles", [[5511988880001, "Ana"]])
    created = await client.post(
        "/api/campaigns",
        json={"name": "x", "instanceId": instance_id, "message": "Oi", "listIds": [their_list]},
        headers=headers,
    )
    assert created.status_code == 404
    assert await Campaign.count().where(Campaign.owner == user.id) == 0


async def test_the_audience_preview_equals_what_the_sandbox_then_receives(client, caller, sandbox, clock, evolution):
    user, headers, instance_id = caller
    a = await list_with(client, headers, "A", [[5511988880001, "Ana"], [5511988880002, "Bia"], [5511988880003, "C"]])
    b = await list_with(client, headers, "B", [[5511988880003, "C"], [5511988880004, "Dora"], [5511988880005, "E"]])
    x = await list_with(client, headers, "X", [[5511988880004, "Dora"]])
    await OptOut(owner=user.id, phone="5511988880005", created_at=NOW).save()
    inline = [{"phone": "5511988880001", "variables": {"Nome": "Ana"}}, {"phone": "5511988880009"}]
    campaign = await new_campaign(client, headers, instance_id, recipients=inline, listIds=[a, b], excludeListIds=[x])
    preview = (await client.get(f"/api/campaigns/{campaign['id']}/audience", headers=headers)).json()
    assert {key: preview[key] for key in ("listed", *CATEGORIES)} == {
        "listed": 8,
        "duplicates": 2,
        "optedOut": 1,
        "excluded": 1,
        "notOnWhatsapp": 0,
        "frequencyCapped": 0,
        "willReceive": 4,
    }
    assert preview["listed"] == sum(preview[key] for key in CATEGORIES)
    assert (await act(client, headers, campaign["id"], "start")).status_code == 200
    await run_until_done(dispatcher(clock, evolution), clock)
    sent = [r["body"]["number"].split("@")[0] for r in sandbox.requests() if r["path"].startswith("/message/send")]
    assert sorted(sent) == sorted(preview["numbers"]["willReceive"])
    assert sorted(preview["numbers"]["willReceive"]) == [
        "5511988880001",
        "5511988880002",
        "5511988880003",
        "5511988880009",
    ]
    row, by_status = await counters_match_statuses(campaign["id"])
    assert row == by_status and row["sent"] == preview["willReceive"]


async def test_the_audience_numbers_are_paginated(client, caller):
    _, headers, instance_id = caller
    rows = [[5511988880000 + n, f"N{n}"] for n in range(1, 8)]
    clients = await list_with(client, headers, "Clientes", rows)
    campaign = await new_campaign(client, headers, instance_id, listIds=[clients])
    page = await client.get(
        f"/api/campaigns/{campaign['id']}/audience", params={"limit": 3, "offset": 3}, headers=headers
    )
    body = page.json()
    assert (body["willReceive"], body["numbers"]["willReceive"]) == (
        7,
        ["5511988880004", "5511988880005", "5511988880006"],
    )


async def test_the_campaign_page_shows_the_audience_panel_with_its_counts(client, caller, login):
    user, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"], [5511988880002, "Bia"]])
    campaign = await new_campaign(client, headers, instance_id, listIds=[clients])
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign['id']}"))
    slot = page.select_one(f"#campaign-{campaign['id']}-audience")
    assert slot is not None and slot["hx-get"] == f"/campaigns/{campaign['id']}/audience/panel"
    panel = html(await client.get(slot["hx-get"])).select_one(f"#campaign-{campaign['id']}-audience")
    counts = {s["data-category"]: s.select_one(".value").text for s in panel.select("[data-category]")}
    assert (counts["listed"], counts["willReceive"], counts["excluded"]) == ("2", "2", "0")
    assert panel.select_one("[data-field=lists]").text.strip().endswith("Clientes")


async def test_duplicate_makes_an_independent_draft_without_the_recipients_states(client, caller):
    user, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"]])
    inline = [{"phone": "5511988880007", "variables": {"Nome": "Gil"}}, {"phone": "5511988880008"}]
    original = await new_campaign(client, headers, instance_id, recipients=inline, listIds=[clients], rateLimit=12)
    await act(client, headers, original["id"], "start")
    await CampaignMessage.update({CampaignMessage.status: MessageStatus.SENT.value, CampaignMessage.attempts: 1}).where(
        CampaignMessage.campaign == original["id"]
    )
    await OptOut(owner=user.id, phone="5511988880008", created_at=NOW).save()
    answer = await client.post(f"/api/campaigns/{original['id']}/duplicate", headers=headers)
    assert answer.status_code == 201, answer.text
    copy = answer.json()
    assert (copy["status"], copy["message"], copy["rateLimit"], copy["instanceId"]) == (
        "DRAFT",
        original["message"],
        12,
        instance_id,
    )
    assert (copy["listIds"], copy["totalRecipients"], copy["pendingCount"], copy["skippedCount"]) == (
        [clients],
        2,
        1,
        1,
    )
    rows = await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status, CampaignMessage.attempts).where(
        CampaignMessage.campaign == copy["id"]
    )
    assert sorted((r["phone"], r["status"], r["attempts"]) for r in rows) == [
        ("5511988880007", "PENDING", 0),
        ("5511988880008", "SKIPPED", 0),
    ]
    renamed = await client.put(f"/api/campaigns/{copy['id']}", json={"name": "Copy", "listIds": []}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    again = (await client.get(f"/api/campaigns/{original['id']}", headers=headers)).json()
    assert (again["name"], again["listIds"], again["status"]) == ("Lists", [clients], "RUNNING")
    await act(client, headers, original["id"], "cancel")
    assert (await client.delete(f"/api/campaigns/{original['id']}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/campaigns/{copy['id']}", headers=headers)).json()["name"] == "Copy"


async def test_duplicate_keeps_every_number_in_order_and_the_pacing(client, caller):
    user, headers, instance_id = caller
    second = await make_instance(user.id, name="Second number", instance_name="second")
    pacing = {
        "sendWindow": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"},
        "timezone": "America/Recife",
        "frequencyCapHours": 48,
        "precheck": False,
    }
    recipients = [{"phone": "5511988880007"}]
    original = await new_campaign(
        client, headers, second.id, instanceIds=[second.id, instance_id], recipients=recipients, **pacing
    )
    copy = (await client.post(f"/api/campaigns/{original['id']}/duplicate", headers=headers)).json()
    assert (copy["instanceId"], copy["instanceIds"]) == (second.id, [second.id, instance_id])
    assert {key: copy[key] for key in pacing} == pacing


async def test_the_panel_form_sets_the_lists_and_the_panel_then_counts_them(client, caller, login):
    user, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"], [5511988880002, "Bia"]])
    blocked = await list_with(client, headers, "Bloqueados", [[5511988880002, "Bia"]])
    campaign = await new_campaign(client, headers, instance_id, recipients=[{"phone": "5511988880009"}])
    await login(user)
    page = f"/campaigns/{campaign['id']}/audience"
    token = await csrf_token(client, page)
    saved = await client.post(
        f"/campaigns/{campaign['id']}/lists",
        data={"_csrf_token": token, "list_ids": [str(clients)], "exclude_list_ids": [str(blocked)]},
    )
    assert saved.status_code == 303
    panel = html(await client.get(page)).select_one(f"#campaign-{campaign['id']}-audience")
    counts = {s["data-category"]: s.select_one(".value").text for s in panel.select("[data-category]")}
    assert (counts["listed"], counts["excluded"], counts["willReceive"]) == ("3", "1", "2")
    checked = [box["value"] for box in panel.select("#campaign-lists input[checked]")]
    assert sorted(checked) == sorted([str(clients), str(blocked)])


async def test_the_duplicate_button_lands_on_the_new_draft_page(client, caller, login):
    user, headers, instance_id = caller
    original = await new_campaign(client, headers, instance_id, recipients=[{"phone": "5511988880009"}])
    await login(user)
    page = f"/campaigns/{original['id']}/audience"
    answer = await client.post(
        f"/campaigns/{original['id']}/duplicate", data={"_csrf_token": await csrf_token(client, page)}
    )
    assert answer.status_code == 303
    copy_id = int(answer.headers["location"].rsplit("/", 1)[-1])
    assert copy_id != original["id"]
    copy = (await client.get(f"/api/campaigns/{copy_id}", headers=headers)).json()
    assert (copy["status"], copy["name"], copy["totalRecipients"]) == ("DRAFT", "Lists (copy)", 1)


async def test_an_xlsx_upload_goes_through_the_recipients_wizard(client, caller, login):
    user, headers, instance_id = caller
    campaign = await new_campaign(client, headers, instance_id, recipients=[{"phone": "5511988880009"}])
    await login(user)
    upload = f"/campaigns/{campaign['id']}/recipients/upload"
    book = xlsx([["Nome", "Celular"], ["Ana", 5511988887777], ["Bia", 5521977776666.0]])
    stored = await client.post(
        upload, data={"_csrf_token": await csrf_token(client, upload)}, files={"file": ("a.xlsx", book, XLSX_TYPE)}
    )
    assert stored.status_code == 303, stored.text
    mapping = html(await client.get(stored.headers["location"]))
    assert "Excel workbook" in mapping.select_one("#detected-format").text
    token = mapping.select_one('input[name="upload"]')["value"]
    imported = await client.post(
        f"/campaigns/{campaign['id']}/recipients/import",
        data={
            "_csrf_token": await csrf_token(client, upload),
            "upload": token,
            "has_header": "true",
            "phone_column": "Celular",
            "variable_columns": "Nome",
        },
    )
    assert imported.status_code == 303, imported.text
    assert await message_phones(campaign["id"]) == ["5511988880009", "5511988887777", "5521977776666"]


async def test_the_campaign_form_creates_a_campaign_from_lists_and_shows_them_checked_on_edit(client, caller, login):
    user, headers, instance_id = caller
    clients = await list_with(client, headers, "Clientes", [[5511988880001, "Ana"], [5511988880002, "Bia"]])
    blocked = await list_with(client, headers, "Bloqueados", [[5511988880002, "Bia"]])
    await login(user)
    fields = {"name": "Form", "instance_id": str(instance_id), "message": "Oi", "rate_limit": "20", "max_retries": "3"}
    created = await client.post(
        "/campaigns/",
        data={
            **fields,
            "_csrf_token": await csrf_token(client, "/campaigns/new"),
            "list_ids": [str(clients)],
            "exclude_list_ids": [str(blocked)],
        },
    )
    assert created.status_code == 303, created.text
    campaign_id = int(created.headers["location"].rsplit("/", 1)[-1])
    stored = (await client.get(f"/api/campaigns/{campaign_id}", headers=headers)).json()
    assert (stored["listIds"], stored["excludeListIds"]) == ([clients], [blocked])
    form = html(await client.get(f"/campaigns/{campaign_id}/edit"))
    checked = {(box["name"], box["value"]) for box in form.select("#campaign-form-lists input[checked]")}
    assert checked == {("list_ids", str(clients)), ("exclude_list_ids", str(blocked))}
    assert (await act(client, headers, campaign_id, "start")).status_code == 200
    assert await message_phones(campaign_id) == ["5511988880001"]
