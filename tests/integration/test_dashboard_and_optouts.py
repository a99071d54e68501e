"""Dashboard figures and the opt-outs page (add, refuse, search, remove, export, ownership)."""

from __future__ import annotations

import csv
import io
from datetime import date

import httpx

from models.statuses import CampaignStatus, MessageStatus
from models.tables import OptOut
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form


def _stats(response: httpx.Response) -> dict[str, str]:
    return {
        str(node["data-stat"]): node.select_one(".value").get_text(strip=True)
        for node in html(response).select("[data-stat]")
    }


async def test_dashboard_shows_the_users_statistics(client, login, make_user, clock) -> None:
    user, other = await make_user(), await make_user()
    instance = await make_instance(user.id)
    sent = [{"phone": f"55119999000{n}", "status": MessageStatus.SENT} for n in range(4)]
    delivered = [{"phone": f"55119998000{n}", "status": MessageStatus.DELIVERED} for n in range(2)]
    await make_campaign(user.id, instance.id, recipients=sent + delivered, status=CampaignStatus.COMPLETED)  # 2/6
    await make_campaign(user.id, instance.id, recipients=delivered, status=CampaignStatus.RUNNING)  # 2/2
    await make_campaign(user.id, instance.id, status=CampaignStatus.DRAFT)
    await make_campaign(other.id, None, recipients=sent, status=CampaignStatus.COMPLETED)
    await login(user)
    assert _stats(await client.get("/dashboard")) == {
        "total": "3",
        "active": "1",
        "completed": "1",
        "messages_sent": "8",
        "average_delivery_rate": "50.0%",  # 4 delivered of 8 sent, as GET /api/campaigns/stats
    }


async def test_dashboard_lists_running_campaigns_and_todays_sends_per_instance(client, login, make_user, clock) -> None:
    user = await make_user()
    today = clock.now().date()
    busy = await make_instance(user.id, name="Sales", sent_today=150, sent_day=today, daily_cap=1000)
    await make_instance(user.id, name="Support", sent_today=999, sent_day=date(2020, 1, 1), daily_cap=500)
    running = await make_campaign(user.id, busy.id, status=CampaignStatus.RUNNING, name="Promo")
    await make_campaign(user.id, busy.id, status=CampaignStatus.PAUSED, name="Waiting")
    await login(user)
    page = html(await client.get("/dashboard"))
    assert [row["data-campaign"] for row in page.select("#running tbody tr")] == [str(running.id)]
    sends = [
        (row.select("td")[0].get_text(strip=True), row.select_one('[data-field="sent_today"]').get_text(strip=True))
        for row in page.select("#instances-today tbody tr")
    ]
    assert sends == [("Sales", "150"), ("Support", "0")]


async def test_adding_an_opt_out_normalises_the_phone(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    form = {"phone": "(11) 98765-4321", "note": "asked by phone"}
    response = await post_form(client, "/opt-outs/", form, "/opt-outs")
    assert response.status_code == 303
    page = html(await client.get("/opt-outs"))
    assert [row["data-phone"] for row in page.select("#optouts tbody tr[data-phone]")] == ["5511987654321"]


async def test_an_invalid_phone_is_refused_beside_the_field_and_nothing_is_written(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    response = await post_form(client, "/opt-outs/", {"phone": "12"}, "/opt-outs")
    assert response.status_code == 422
    assert html(response).select_one("#phone-error").get_text(strip=True) == "“12”: too short."
    assert await OptOut.count() == 0


async def test_a_duplicate_opt_out_is_refused(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    await post_form(client, "/opt-outs/", {"phone": "+55 11 98765-4321"}, "/opt-outs")
    response = await post_form(client, "/opt-outs/", {"phone": "11987654321"}, "/opt-outs")
    assert response.status_code == 422
    assert html(response).select_one("#phone-error").get_text(strip=True) == (
        "+5511987654321 is already on the opt-out list."
    )


async def test_opt_outs_search_by_digits(client, login, make_user, clock) -> None:
    user = await make_user()
    for phone in ("5511987654321", "5521912345678"):
        await OptOut(owner=user.id, phone=phone, created_at=clock.now()).save()
    await login(user)
    page = html(await client.get("/opt-outs", params={"search": "21 9123"}))
    assert [row["data-phone"] for row in page.select("#optouts tbody tr[data-phone]")] == ["5521912345678"]


async def test_removing_an_opt_out_deletes_it(client, login, make_user, clock) -> None:
    user = await make_user()
    row = OptOut(owner=user.id, phone="5511987654321", created_at=clock.now())
    await row.save()
    await login(user)
    response = await post_form(client, f"/opt-outs/{row.id}/delete", {}, "/opt-outs")
    assert response.status_code == 303 and await OptOut.count() == 0


async def test_another_users_opt_out_cannot_be_removed(client, login, make_user, clock) -> None:
    owner, stranger = await make_user(), await make_user()
    row = OptOut(owner=owner.id, phone="5511987654321", created_at=clock.now())
    await row.save()
    await login(stranger)
    response = await post_form(client, f"/opt-outs/{row.id}/delete", {}, "/opt-outs")
    assert response.status_code == 404 and await OptOut.count() == 1
    assert html(await client.get("/opt-outs")).select("#optouts tbody tr[data-phone]") == []


async def test_opt_outs_export_is_csv_with_bom_and_neutralised_notes(client, login, make_user, clock) -> None:
    user = await make_user()
    await OptOut(owner=user.id, phone="5511987654321", note="=cmd()", created_at=clock.now()).save()
    await login(user)
    response = await client.get("/opt-outs/export.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table == [
        ["phone", "source", "note", "created_at"],
        ["5511987654321", "manual", "'=cmd()", "2026-01-05 12:00:00"],  # the user's zone (UTC here)
    ]
