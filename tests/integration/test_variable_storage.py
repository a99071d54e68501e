"""Variables are bounded and their names stored once per campaign (issue 10, finding 2)."""

from __future__ import annotations

import importlib
import json

import pytest

from models.recipients._screening import AcceptedRows
from models.recipients._store import store
from models.recipients.campaign_table import variable_names
from models.tables import Campaign, CampaignMessage
from models.variables import MAX_VALUE_LENGTH, MAX_VARIABLES, NameTable, decode
from tests.factories import NOW, make_campaign
from tests.integration.api_helpers import api_caller, error_fields

MIGRATION = importlib.import_module("models.migrations.arauto_2026_11_30t13_00_00_000000")
RAW_SQL = importlib.import_module("models.migrations._raw")


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def post_csv(client, caller, csv: bytes, **params: str):
    campaign = await make_campaign(caller.user.id, None)
    headers = {**caller.headers, "Content-Type": "text/csv"}
    url = f"/api/campaigns/{campaign.id}/recipients"
    return campaign, await client.post(url, content=csv, params=params, headers=headers)


async def stored_bytes(campaign_id: int) -> int:
    rows = await CampaignMessage.select(CampaignMessage.variables).where(CampaignMessage.campaign == campaign_id)
    names = await Campaign.select(Campaign.variable_names).where(Campaign.id == campaign_id).first()
    return sum(len(str(row["variables"])) for row in rows) + len(names["variable_names"])


def wide_csv(columns: int, header_length: int, rows: int) -> bytes:
    header = ["telefone", *(f"{n:04d}".ljust(header_length, "x") for n in range(columns))]
    lines = [",".join(header), *(",".join([f"1198888{n:04d}", *["v"] * columns]) for n in range(rows))]
    return "\r\n".join(lines).encode()


async def test_the_csv_of_a_thousand_long_headers_is_refused_and_stores_nothing(client, caller):
    csv = wide_csv(columns=1000, header_length=1000, rows=100)
    assert len(csv) > 1_000_000
    campaign, response = await post_csv(client, caller, csv)
    assert error_fields(response) == {
        "variableColumns": f"The file has 1000 columns besides the phone; at most {MAX_VARIABLES} can be variables: "
        "choose the columns the message uses."
    }
    assert await stored_bytes(campaign.id) == len("[]")


async def test_a_chosen_column_with_a_name_over_the_limit_is_refused_naming_it(client, caller):
    _, response = await post_csv(client, caller, wide_csv(5, 1000, 3), variableColumns="3")
    refusal = "Column 3: The variable name has 1000 characters; at most 100."
    assert error_fields(response) == {"variableColumns": refusal}


async def test_the_same_file_without_its_header_imports_two_chosen_columns_and_stays_small(client, caller):
    campaign, response = await post_csv(client, caller, wide_csv(1000, 1000, 100), hasHeader="true",
                                        phoneColumn="telefone", variableColumns="2,3")
    assert response.status_code == 400  # the chosen columns' names are 1,000 characters long
    campaign, response = await post_csv(client, caller, wide_csv(1000, 1000, 100), hasHeader="false",
                                        phoneColumn="1", variableColumns="2,3")
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 100
    assert await variable_names(campaign.id) == ["2", "3"]
    assert await stored_bytes(campaign.id) < 100 * 20


async def test_names_are_stored_once_per_campaign_and_each_recipient_keeps_only_values(client, caller):
    csv = wide_csv(columns=MAX_VARIABLES, header_length=30, rows=200)
    campaign, response = await post_csv(client, caller, csv)
    assert response.status_code == 201, response.text
    rows = await CampaignMessage.select(CampaignMessage.variables).where(CampaignMessage.campaign == campaign.id)
    assert all("xxxx" not in str(row["variables"]) for row in rows)
    names = await variable_names(campaign.id)
    assert len(names) == MAX_VARIABLES and all(name.endswith("x" * 20) for name in names)
    assert await stored_bytes(campaign.id) < 200 * 260 + MAX_VARIABLES * 40
    listed = await client.get(f"/api/campaigns/{campaign.id}/recipients", params={"limit": 1}, headers=caller.headers)
    assert listed.json()["items"][0]["variables"] == dict.fromkeys(names, "v")


async def test_a_value_over_the_limit_skips_its_row_naming_the_column(client, caller):
    long_value = "y" * (MAX_VALUE_LENGTH + 1)
    csv = f"telefone,Nome\r\n11988880001,Ana\r\n11988880002,{long_value}\r\n".encode()
    _, response = await post_csv(client, caller, csv)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["imported"], [(s["row"], s["kind"]) for s in body["skipped"]]) == (1, [(3, "invalid")])
    assert body["skipped"][0]["reason"] == f"the value of “Nome” has {MAX_VALUE_LENGTH + 1} characters; at most 1000"


async def test_inline_recipients_with_more_names_than_the_limit_are_refused(client, caller):
    recipients = [{"phone": f"+55 11 98888-{n:04d}", "variables": {f"v{n}": "x"}} for n in range(MAX_VARIABLES + 1)]
    response = await client.post("/api/campaigns", json=caller.body(recipients=recipients), headers=caller.headers)
    assert error_fields(response) == {
        "recipients": f"Too many variables: a campaign uses at most {MAX_VARIABLES} and this would make "
        f"{MAX_VARIABLES + 1}. Keep only the variables the message uses."
    }


async def test_a_second_import_adds_its_new_names_after_the_first_ones(client, caller):
    campaign, _ = await post_csv(client, caller, b"telefone,Nome\r\n11988880001,Ana\r\n")
    headers = {**caller.headers, "Content-Type": "text/csv"}
    second = b"telefone,Cidade,Nome\r\n11988880002,Rio,Bia\r\n"
    response = await client.post(f"/api/campaigns/{campaign.id}/recipients", content=second, headers=headers)
    assert response.status_code == 201, response.text
    assert await variable_names(campaign.id) == ["Nome", "Cidade"]
    listed = await client.get(f"/api/campaigns/{campaign.id}/recipients", headers=caller.headers)
    assert [item["variables"] for item in listed.json()["items"]] == [{"Nome": "Ana"}, {"Nome": "Bia", "Cidade": "Rio"}]


async def test_names_another_import_saved_meanwhile_are_kept_and_our_values_re_encoded(caller):
    campaign = await make_campaign(caller.user.id, None)
    await Campaign.update({Campaign.variable_names: json.dumps(["Cidade"])}).where(Campaign.id == campaign.id)
    ours = NameTable()  # read before the other import saved "Cidade"
    accepted = AcceptedRows()
    accepted.add(2, "5511988880001", "11988880001", ours.encode({"Nome": "Ana"}), False)
    await store(campaign.id, caller.user.id, accepted, names=ours, limit=100, now=NOW)
    names = await variable_names(campaign.id)
    row = await CampaignMessage.select(CampaignMessage.variables).where(CampaignMessage.campaign == campaign.id).first()
    assert (names, decode(names, row["variables"])) == (["Cidade", "Nome"], {"Nome": "Ana"})


async def test_the_migration_moves_names_to_the_campaign_and_back(caller, monkeypatch):
    recipients = [
        {"phone": "5511988880001", "variables": {"Nome": "Ana", "Cidade": "Rio"}},
        {"phone": "5511988880002", "variables": {"Cidade": "Natal"}},
    ]
    campaign = await make_campaign(caller.user.id, None, recipients=recipients)
    query = CampaignMessage.select(CampaignMessage.variables).where(CampaignMessage.campaign == campaign.id)
    monkeypatch.setattr(RAW_SQL._Raw._meta, "db", Campaign._meta.db)  # the test's database, not piccolo_conf's
    manager = await MIGRATION.forwards()
    await manager.run(backwards=True)
    try:
        legacy = [json.loads(row["variables"]) for row in await CampaignMessage.raw(
            "SELECT variables FROM arauto_campaign_message WHERE campaign = {} ORDER BY id", campaign.id
        )]
        assert legacy == [r["variables"] for r in recipients]
    finally:
        await (await MIGRATION.forwards()).run()
    names = await variable_names(campaign.id)
    assert names == ["Nome", "Cidade"]
    assert [json.loads(row["variables"]) for row in await query.order_by(CampaignMessage.id)] == [
        ["Ana", "Rio"],
        [None, "Natal"],
    ]
