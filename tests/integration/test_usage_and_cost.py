"""Cost and usage (issue 15, item 3): the price is recorded on each message when it is sent, so a later price change
does not rewrite history; `GET /api/usage` and the usage page total the prices at send time, exactly."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from models.accounts.users import create_api_token
from models.statuses import CampaignStatus
from models.tables import CampaignMessage, Instance
from tests.factories import NOW, make_campaign, recipient_rows
from tests.fixtures.web import html
from tests.sending_helpers import dispatcher, phones, run_until_done, sandbox_instance


async def send_campaign(owner_id: int, instance_id: int, count: int, start: int, clock, evolution, name: str) -> Any:
    campaign = await make_campaign(
        owner_id, instance_id, recipients=recipient_rows(phones(count, start)), status=CampaignStatus.RUNNING, name=name
    )
    await run_until_done(dispatcher(clock, evolution), clock)
    return campaign


async def test_cost_totals_equal_the_prices_at_send_time(client, sandbox, clock, evolution, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    instance = await sandbox_instance(user.id, sandbox)
    changed = await client.put(f"/api/instances/{instance.id}", json={"costPerMessage": "0.0450"}, headers=headers)
    assert (changed.status_code, changed.json()["costPerMessage"]) == (200, "0.0450")
    first = await send_campaign(user.id, instance.id, 3, 0, clock, evolution, "First")
    repriced = await client.put(f"/api/instances/{instance.id}", json={"costPerMessage": 0.1}, headers=headers)
    assert repriced.json()["costPerMessage"] == "0.1000"
    second = await send_campaign(user.id, instance.id, 2, 10, clock, evolution, "Second")
    prices = await CampaignMessage.select(CampaignMessage.campaign, CampaignMessage.price)
    assert sorted(Decimal(p["price"]) for p in prices) == [Decimal("0.045")] * 3 + [Decimal("0.1")] * 2
    answer = (await client.get("/api/usage?groupBy=campaign", headers=headers)).json()
    by_campaign = {row["key"]: row for row in answer["rows"]}
    assert (by_campaign[str(first.id)]["cost"], by_campaign[str(first.id)]["sent"]) == ("0.1350", 3)
    assert (by_campaign[str(second.id)]["cost"], by_campaign[str(second.id)]["label"]) == ("0.2000", "Second")
    assert (answer["total"]["cost"], answer["total"]["sent"], answer["currency"]) == ("0.3350", 5, "BRL")


async def test_usage_per_day_counts_each_local_day_of_the_period(client, sandbox, clock, evolution, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    instance = await sandbox_instance(user.id, sandbox)
    await Instance.update({Instance.cost_per_message: Decimal("0.01")}).where(Instance.id == instance.id)
    await send_campaign(user.id, instance.id, 2, 0, clock, evolution, "Monday")
    clock.advance(days=1)
    await send_campaign(user.id, instance.id, 1, 5, clock, evolution, "Tuesday")
    answer = (await client.get("/api/usage?from=2026-01-04&to=2026-01-06&groupBy=day", headers=headers)).json()
    assert [(r["key"], r["sent"], r["cost"]) for r in answer["rows"]] == [
        ("2026-01-04", 0, "0.0000"),
        ("2026-01-05", 2, "0.0200"),
        ("2026-01-06", 1, "0.0100"),
    ]


async def test_a_user_never_sees_another_users_usage_but_an_admin_sees_every_users_totals(
    client, sandbox, clock, evolution, make_user
) -> None:
    admin = await make_user(admin=True)
    other = await make_user()
    instance = await sandbox_instance(other.id, sandbox)
    await send_campaign(other.id, instance.id, 2, 0, clock, evolution, "Theirs")
    admin_headers = {"Authorization": f"Bearer {await create_api_token(admin.id, 't', now=NOW)}"}
    other_headers = {"Authorization": f"Bearer {await create_api_token(other.id, 't', now=NOW)}"}
    own = (await client.get("/api/usage?groupBy=campaign", headers=admin_headers)).json()
    assert own["rows"] == [] and own["total"]["sent"] == 0
    everyone = (await client.get("/api/usage?groupBy=user", headers=admin_headers)).json()
    assert [(r["label"], r["sent"]) for r in everyone["rows"]] == [(other.email, 2)]
    refused = await client.get("/api/usage?groupBy=user", headers=other_headers)
    assert refused.status_code == 400


async def test_bad_periods_and_groupings_are_refused(client, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    for query in ("from=yesterday", "from=2026-01-05&to=2026-01-01", "from=2024-01-01&to=2026-01-01", "groupBy=x"):
        assert (await client.get(f"/api/usage?{query}", headers=headers)).status_code == 400, query


async def test_the_usage_page_charts_the_period_and_exports_it_as_csv(
    client, login, sandbox, clock, evolution, make_user
) -> None:
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    await Instance.update({Instance.cost_per_message: Decimal("0.25")}).where(Instance.id == instance.id)
    await send_campaign(user.id, instance.id, 2, 0, clock, evolution, "=HYPERLINK(x)")
    await login(user)
    page = html(await client.get("/usage?groupBy=campaign"))
    bars = page.select("#usage-chart svg rect.bar-sent")
    assert [bar["data-value"] for bar in bars] == ["2"]
    assert page.select_one("#usage-total .cost").get_text(strip=True) == "0.5000"
    export = await client.get("/usage/export.csv?groupBy=campaign")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text.removeprefix("\ufeff"))))
    assert rows[1] == ["'=HYPERLINK(x)", "2", "0", "0", "0.5000", "BRL"]
    assert rows[-1][0] == "Total" and rows[-1][4] == "0.5000"


async def test_the_usage_export_as_xlsx_reads_back_with_the_page_totals_and_exact_cost(
    client, login, sandbox, clock, evolution, make_user
) -> None:
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    await Instance.update({Instance.cost_per_message: Decimal("0.0450")}).where(Instance.id == instance.id)
    await send_campaign(user.id, instance.id, 3, 0, clock, evolution, "=HYPERLINK(x)")
    await send_campaign(user.id, instance.id, 2, 10, clock, evolution, "Second")
    await login(user)
    page = html(await client.get("/usage?groupBy=campaign"))
    link = page.select_one("#usage-export-xlsx")["href"]
    export = await client.get(link)
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert export.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Group", "Sent", "Delivered", "Failed", "Cost", "Currency"]
    by_label = {row[0]: row for row in rows[1:-1]}
    assert by_label["=HYPERLINK(x)"][1:4] == [3, 0, 0]  # a text cell, never a formula
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert Decimal(str(by_label["Second"][4])) == Decimal("0.09")
    total = rows[-1]
    assert (total[0], total[1], total[5]) == ("Total", 5, "BRL")
    assert Decimal(str(total[4])) == Decimal("0.225") == Decimal(page.select_one("#usage-total .cost").get_text())
    assert sheet.cell(row=len(rows), column=5).number_format == "0.0000"
