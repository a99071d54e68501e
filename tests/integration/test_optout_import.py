"""Opt-outs from a CSV or XLSX: `POST /api/opt-outs/import` and the wizard on the opt-outs page. The same reading and
per-row report as the recipients import; every new number recorded by record_opt_out (its pending messages
skipped, counters moved); nothing written when the file is refused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from app import create_app
from models.accounts.users import create_api_token
from models.inbound import OPTED_OUT
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, OptOut
from tests.factories import NOW, make_campaign, recipient_rows
from tests.fixtures.web import html, wizard_import, wizard_upload
from tests.spreadsheets import XLSX_TYPE, xlsx


@pytest.fixture
async def caller(make_user: Any) -> tuple[Any, dict[str, str]]:
    user = await make_user()
    return user, {"Authorization": f"Bearer {await create_api_token(user.id, 'tests', now=NOW)}"}


async def send(client: httpx.AsyncClient, headers: dict[str, str], body: bytes, media_type: str, **params: str) -> Any:
    return await client.post(
        "/api/opt-outs/import", content=body, params=params, headers={**headers, "Content-Type": media_type}
    )


async def opted_out(owner_id: int) -> list[tuple[str, str]]:
    rows = await OptOut.select(OptOut.phone, OptOut.source).where(OptOut.owner == owner_id).order_by(OptOut.phone)
    return [(row["phone"], row["source"]) for row in rows]


async def test_a_csv_of_numbers_opts_them_out_skips_their_pending_messages_and_reports_every_row(client, caller):
    user, headers = caller
    running = await make_campaign(
        user.id, None, status=CampaignStatus.RUNNING, recipients=recipient_rows(["5511988880001", "5511988880009"])
    )
    await OptOut(owner=user.id, phone="5511988880003", created_at=NOW).save()
    body = (
        "telefone;nome\n(11) 98888-0001;Ana\n123;Bia\n11988880001;Ana again\n+55 11 98888-0003;Caio\n11988880002;Dora\n"
    )
    answer = await send(client, headers, body.encode("cp1252"), "text/csv", defaultRegion="BR")
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (report["imported"], report["totalRecipients"], report["counts"]) == (
        2,
        3,
        {"invalid": 1, "duplicate": 1, "optedOut": 1},
    )
    assert [(row["row"], row["kind"]) for row in report["skipped"]] == [
        (3, "invalid"),
        (4, "duplicate"),
        (5, "optedOut"),
    ]
    assert await opted_out(user.id) == [
        ("5511988880001", "import"),
        ("5511988880002", "import"),
        ("5511988880003", "manual"),
    ]
    statuses = await CampaignMessage.select(CampaignMessage.phone, CampaignMessage.status, CampaignMessage.error).where(
        CampaignMessage.campaign == running.id
    )
    assert {row["phone"]: (row["status"], row["error"]) for row in statuses} == {
        "5511988880001": (MessageStatus.SKIPPED.value, OPTED_OUT),
        "5511988880009": (MessageStatus.PENDING.value, ""),
    }
    counters = await Campaign.select(Campaign.pending_count, Campaign.skipped_count).where(Campaign.id == running.id)
    assert counters == [{"pending_count": 1, "skipped_count": 1}]


@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
async def test_an_xlsx_with_numbers_stored_as_numbers_gives_the_right_numbers(client, caller, header):
    user, headers = caller
    rows: list[list[Any]] = [
        [5511988880001, "a"],
        [5.511988880002e12, "b"],
        [11988880003.0, "c"],
        ["+55 11 98888-0004", "d"],
    ]
    rows += [[NOW.date(), "a date"], [1198888, "too short"]]
    book = xlsx([["Celular", "Nome"], *rows] if header else rows, sheet="Saídas")
    answer = await send(client, headers, book, XLSX_TYPE, hasHeader=str(header).lower(), sheet="Saídas")
    assert answer.status_code == 201, answer.text
    assert [phone for phone, _ in await opted_out(user.id)] == [f"551198888000{n}" for n in range(1, 5)]
    skipped = answer.json()["skipped"]
    first_row = 2 if header else 1
    assert [row["row"] for row in skipped] == [first_row + 4, first_row + 5]
    assert "date" in skipped[0]["reason"] and "number, not text" in skipped[1]["reason"]


async def test_a_multipart_file_with_a_named_phone_column_is_read(client, caller):
    user, headers = caller
    body = b"id,celular\n1,21977770001\n2,21977770002\n"
    answer = await client.post(
        "/api/opt-outs/import",
        params={"phoneColumn": "celular", "hasHeader": "true"},
        files={"file": ("saidas.csv", body, "text/csv")},
        headers=headers,
    )
    assert (answer.status_code, answer.json()["imported"]) == (201, 2), answer.text
    assert [phone for phone, _ in await opted_out(user.id)] == ["5521977770001", "5521977770002"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"phone\n" + b"11988880001\n" * 3 + b'"11988880002\n' + b"11988880003\n" * 5, "never closed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"phone\n123\nabc\n", "No number to add"),
        (b"", "empty"),
    ],
    ids=["open-quote", "binary", "no-valid-number", "empty"],
)
async def test_a_refused_file_writes_nothing_and_says_why(client, caller, body, reason):
    user, headers = caller
    campaign = await make_campaign(
        user.id, None, status=CampaignStatus.RUNNING, recipients=recipient_rows(["5511988880001"])
    )
    answer = await send(client, headers, body, "text/csv")
    assert (answer.status_code, reason in answer.json()["detail"]) == (400, True), answer.text
    assert await OptOut.count().where(OptOut.owner == user.id) == 0
    assert (
        await CampaignMessage.count().where(
            (CampaignMessage.campaign == campaign.id) & (CampaignMessage.status == MessageStatus.PENDING.value)
        )
        == 1
    )


async def test_a_bad_query_is_a_400_naming_the_field(client, caller):
    _, headers = caller
    answer = await send(client, headers, b"phone\n11988880001\n", "text/csv", phoneColumn="Celular")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "phoneColumn"
    answer = await send(client, headers, b"phone\n11988880001\n", "text/csv", defaultRegion="XX")
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (400, "defaultRegion")


async def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings, clock, caller):
    user, headers = caller
    app = create_app(replace(settings, max_upload_bytes=10_000), clock=clock)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as small:
            answer = await send(small, headers, b"phone\n" + b"11988880001\n" * 2000, "text/csv")
    assert (answer.status_code, "larger than" in answer.json()["detail"]) == (400, True)
    assert await OptOut.count().where(OptOut.owner == user.id) == 0


async def test_another_users_messages_to_the_same_number_are_not_touched(client, caller, make_user):
    user, headers = caller
    other = await make_user()
    theirs = await make_campaign(
        other.id, None, status=CampaignStatus.RUNNING, recipients=recipient_rows(["5511988880001"])
    )
    answer = await send(client, headers, b"11988880001\n", "text/csv")
    assert answer.status_code == 201, answer.text
    assert (await opted_out(user.id), await OptOut.count().where(OptOut.owner == other.id)) == (
        [("5511988880001", "import")],
        0,
    )
    [row] = await CampaignMessage.select(CampaignMessage.status).where(CampaignMessage.campaign == theirs.id)
    assert row["status"] == MessageStatus.PENDING.value


async def test_the_opt_outs_page_imports_a_file_through_the_three_steps(client, login, make_user):
    user = await make_user()
    await login(user)
    page = html(await client.get("/opt-outs"))
    base = page.select_one("#import-optouts")["href"].removesuffix("/upload")
    book = xlsx([["Nome", "Celular"], ["Ana", 5511988880001], ["Bia", "abc"]])
    mapping, imported = await wizard_import(client, base, files={"file": ("saidas.xlsx", book, XLSX_TYPE)})
    drawn = html(mapping)
    assert drawn.select_one("#variable-columns") is None and drawn.select_one("#import-mode") is None
    assert drawn.select_one("#phone_column option[selected]").text == "Celular"
    assert imported.status_code == 303, imported.text
    report = html(await client.get(imported.headers["location"]))
    assert (report.select_one("#imported-count").text, report.select_one("#total-count").text) == ("1", "1")
    assert [td.text for td in report.select("#skipped-rows td")][:2] == ["3", "abc"]
    listing = html(await client.get("/opt-outs"))
    assert [row["data-phone"] for row in listing.select("#optouts tr[data-phone]")] == ["5511988880001"]


async def test_the_wizard_redraws_the_mapping_with_the_reason_when_no_number_is_new(client, login, make_user):
    user = await make_user()
    await login(user)
    await OptOut(owner=user.id, phone="5511988880001", created_at=NOW).save()
    mapping = await wizard_upload(client, "/opt-outs/import", lines="11988880001\n123")
    assert mapping.status_code == 200
    _, refused = await wizard_import(client, "/opt-outs/import", lines="11988880001\n123")
    assert refused.status_code == 400
    assert "1 already on the list" in html(refused).select_one("#mapping-error").text
    assert await OptOut.count().where(OptOut.owner == user.id) == 1
