"""Lists of contacts over /api/lists and /api/contacts: CSV and XLSX imports, re-imports, replace, filters."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, Contact, ListMember
from tests.factories import NOW, make_campaign, recipient_rows
from tests.spreadsheets import XLSX_TYPE, csv_text, xlsx

ROWS = 20_000


@pytest.fixture
async def caller(make_user: Any) -> tuple[Any, dict[str, str]]:
    user = await make_user()
    return user, {"Authorization": f"Bearer {await create_api_token(user.id, 'tests', now=NOW)}"}


async def new_list(client, headers, name: str = "Clientes") -> int:
    response = await client.post("/api/lists", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def import_file(client, headers, list_id: int, body: bytes, media_type: str, **params: str) -> Any:
    return await client.post(
        f"/api/lists/{list_id}/contacts", content=body, params=params, headers={**headers, "Content-Type": media_type}
    )


def sheet_rows(count: int) -> list[list[Any]]:
    """Numbers as numbers (every third one as a float, the way Excel holds them), as text, and a few broken ones."""
    rows: list[list[Any]] = []
    for n in range(count):
        number = 5511900000000 + n
        cell: Any = number if n % 3 == 0 else float(number) if n % 3 == 1 else f"+{number}"
        if n % 1000 == 999:
            cell = "not a phone"
        rows.append([cell, f"Name {n}", f"City {n % 7}"])
    return rows


@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
async def test_a_20000_row_xlsx_gives_the_same_contacts_and_report_as_the_same_rows_in_csv(client, caller, header):
    user, headers = caller
    rows = ([["Telefone", "Nome", "Cidade"]] if header else []) + sheet_rows(ROWS)
    from_xlsx, from_csv = await new_list(client, headers, "xlsx"), await new_list(client, headers, "csv")
    params = {"hasHeader": str(header).lower()}
    answer_xlsx = await import_file(client, headers, from_xlsx, xlsx(rows), XLSX_TYPE, **params)
    answer_csv = await import_file(client, headers, from_csv, csv_text(rows), "text/csv", **params)
    assert answer_xlsx.status_code == answer_csv.status_code == 201, answer_xlsx.text
    assert answer_xlsx.json() == answer_csv.json()
    assert answer_xlsx.json()["imported"] == ROWS - ROWS // 1000
    listed = await client.get(f"/api/lists/{from_xlsx}/contacts", params={"search": "5511900000000"}, headers=headers)
    [first] = listed.json()["items"]
    names = ("Nome", "Cidade") if header else ("2", "3")
    assert first["attributes"] == {names[0]: "Name 0", names[1]: "City 0"}
    assert await Contact.count().where(Contact.owner == user.id) == ROWS - ROWS // 1000


async def test_reimporting_a_list_with_changed_attributes_updates_its_contacts_without_duplicating(client, caller):
    user, headers = caller
    list_id = await new_list(client, headers)
    first = [["phone", "Nome", "Plano"], ["5511988880001", "Ana", "basic"], ["5511988880002", "Bia", "basic"]]
    again = [["phone", "Nome"], ["+55 11 98888-0001", "Ana Maria"], ["5511988880003", "Caio"]]
    await import_file(client, headers, list_id, csv_text(first), "text/csv")
    answer = await import_file(client, headers, list_id, xlsx(again), XLSX_TYPE)
    assert (answer.status_code, answer.json()["totalRecipients"]) == (201, 3)
    contacts = await Contact.select(Contact.phone, Contact.attributes).where(Contact.owner == user.id)
    by_phone = {row["phone"]: json.loads(row["attributes"]) for row in contacts}
    assert by_phone == {
        "5511988880001": {"Nome": "Ana Maria", "Plano": "basic"},
        "5511988880002": {"Nome": "Bia", "Plano": "basic"},
        "5511988880003": {"Nome": "Caio"},
    }


async def test_replace_mode_empties_the_list_before_the_import_and_keeps_the_contacts(client, caller):
    user, headers = caller
    list_id = await new_list(client, headers)
    await import_file(client, headers, list_id, b"phone\r\n5511988880001\r\n5511988880002\r\n", "text/csv")
    answer = await import_file(client, headers, list_id, b"phone\r\n5511988880003\r\n", "text/csv", mode="replace")
    assert answer.json()["totalRecipients"] == 1
    listed = await client.get(f"/api/lists/{list_id}/contacts", headers=headers)
    assert [item["phone"] for item in listed.json()["items"]] == ["5511988880003"]
    assert await Contact.count().where(Contact.owner == user.id) == 3


async def test_a_refused_replace_leaves_the_list_as_it_was(client, caller):
    _, headers = caller
    list_id = await new_list(client, headers)
    await import_file(client, headers, list_id, b"phone\r\n5511988880001\r\n", "text/csv")
    answer = await import_file(client, headers, list_id, b"phone\r\nnot a phone\r\n", "text/csv", mode="replace")
    assert answer.status_code == 400
    assert await ListMember.count().where(ListMember.contact_list == list_id) == 1


async def test_xlsx_cells_held_as_dates_or_as_numbers_that_lost_a_zero_are_reported_as_such(client, caller):
    _, headers = caller
    list_id = await new_list(client, headers)
    rows = [["phone", "Nome"], [5.511987654321e12, "Ana"], [date(2026, 1, 5), "Bia"], [11987654, "Caio"]]
    answer = await import_file(client, headers, list_id, xlsx(rows), XLSX_TYPE, defaultRegion="BR")
    body = answer.json()
    assert (answer.status_code, body["imported"]) == (201, 1)
    reasons = {row["row"]: (row["raw"], row["reason"]) for row in body["skipped"]}
    assert reasons[3][0] == "2026-01-05" and "formatted as a date" in reasons[3][1]
    assert reasons[4][0] == "11987654" and "leading zero" in reasons[4][1]
    listed = await client.get(f"/api/lists/{list_id}/contacts", headers=headers)
    assert [item["phone"] for item in listed.json()["items"]] == ["5511987654321"]


async def test_a_named_sheet_is_read_and_an_unknown_sheet_is_refused_naming_the_sheets(client, caller):
    _, headers = caller
    list_id = await new_list(client, headers)
    book = xlsx([["other"]], sheet="Capa", others=["Contatos"])
    refused = await import_file(client, headers, list_id, book, XLSX_TYPE, sheet="Nope")
    assert refused.status_code == 400 and "Capa, Contatos" in refused.text
    first_sheet = await import_file(client, headers, list_id, book, XLSX_TYPE)
    assert first_sheet.status_code == 400  # the first sheet holds no phone


async def test_the_campaign_recipients_import_accepts_an_xlsx_as_multipart_file(client, caller):
    user, headers = caller
    campaign = await make_campaign(user.id, None)
    book = xlsx([["Nome", "Celular"], ["Ana", 5511988887777.0], ["Bia", "21 97777-6666"]], sheet="Lista")
    answer = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        params={"sheet": "Lista"},
        files={"file": ("list.xlsx", book, XLSX_TYPE)},
        headers=headers,
    )
    assert (answer.status_code, answer.json()["imported"]) == (201, 2), answer.text
    phones = await CampaignMessage.select(CampaignMessage.phone).where(CampaignMessage.campaign == campaign.id)
    assert sorted(row["phone"] for row in phones) == ["5511988887777", "5521977776666"]


async def test_contacts_are_found_by_number_attribute_tag_and_list(client, caller):
    _, headers = caller
    vip = await new_list(client, headers, "VIP")
    await import_file(client, headers, vip, b"phone,Cidade\r\n5511988880001,Recife\r\n", "text/csv")
    other = await client.post(
        "/api/contacts",
        json={"phone": "11 98888-0002", "attributes": {"Cidade": "Natal"}, "tags": ["lead"]},
        headers=headers,
    )
    assert other.status_code == 201, other.text

    async def phones(**params: Any) -> list[str]:
        found = await client.get("/api/contacts", params=params, headers=headers)
        return [item["phone"] for item in found.json()["items"]]

    assert await phones(search="recife") == ["5511988880001"]
    assert await phones(search="0002") == ["5511988880002"]
    assert await phones(tag="lead") == ["5511988880002"]
    assert await phones(tag="lea") == []
    assert await phones(listId=vip) == ["5511988880001"]


async def test_deleting_a_contact_keeps_the_campaign_messages_sent_to_it_anonymised(client, caller):
    user, headers = caller
    created = await client.post("/api/contacts", json={"phone": "5511988880001"}, headers=headers)
    rows = recipient_rows(["5511988880001"])
    rows[0]["status"] = MessageStatus.SENT
    campaign = await make_campaign(user.id, None, recipients=rows, status=CampaignStatus.COMPLETED)
    deleted = await client.delete(f"/api/contacts/{created.json()['id']}", headers=headers)
    assert deleted.status_code == 204
    kept = await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status).where(
        CampaignMessage.campaign == campaign.id
    )
    assert kept == [{"phone": f"removed-{created.json()['id']}", "status": MessageStatus.SENT.value}]


async def test_another_users_list_and_contacts_answer_404(client, caller, make_user):
    _, headers = caller
    stranger = await make_user()
    theirs = {"Authorization": f"Bearer {await create_api_token(stranger.id, 'tests', now=NOW)}"}
    list_id = await new_list(client, theirs)
    contact = await client.post("/api/contacts", json={"phone": "5511988880001"}, headers=theirs)
    assert (await client.get(f"/api/lists/{list_id}/contacts", headers=headers)).status_code == 404
    assert (await import_file(client, headers, list_id, b"phone\r\n5511988880001\r\n", "text/csv")).status_code == 404
    assert (await client.delete(f"/api/contacts/{contact.json()['id']}", headers=headers)).status_code == 404
