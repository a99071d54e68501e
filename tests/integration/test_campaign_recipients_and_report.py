"""Recipients table (filter, search, pages, errors), retry failed, the streamed CSV report, and ownership."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from models.accounts.users import CurrentUser
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form


def _rows(count: int, status=MessageStatus.PENDING, start: int = 0, **extra):
    return [{"phone": f"55119999{start + n:05d}", "status": status, **extra} for n in range(count)]


async def _campaign(user: CurrentUser, rows: list[Any], status: CampaignStatus = CampaignStatus.PAUSED) -> Campaign:
    instance = await make_instance(user.id)
    return await make_campaign(user.id, instance.id, recipients=rows, status=status)


def _phones(response: httpx.Response) -> list[str]:
    return [str(row["data-phone"]) for row in html(response).select("tbody tr[data-phone]")]


async def test_rows_filter_by_status_and_show_the_error(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(2) + _rows(1, MessageStatus.FAILED, start=50))
    await CampaignMessage.update({CampaignMessage.error: "Not on WhatsApp"}).where(
        CampaignMessage.status == MessageStatus.FAILED.value
    )
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/recipients/rows?status=FAILED")
    assert _phones(response) == ["5511999900050"]
    assert html(response).select_one("td.error-cell").get_text(strip=True) == "Not on WhatsApp"


async def test_rows_search_by_phone_digits(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(12))
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/recipients/rows", params={"search": "+55 11 99990-0011"})
    assert _phones(response) == ["5511999900011"]


async def test_rows_are_paginated_by_fifty(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(120))
    await login(user)
    second = await client.get(f"/campaigns/{campaign.id}/recipients/rows?page=2")
    last = await client.get(f"/campaigns/{campaign.id}/recipients/rows?page=3")
    assert _phones(second)[0] == "5511999900050" and len(_phones(second)) == 50
    assert len(_phones(last)) == 20
    assert [a["rel"] for a in html(last).select(".pagination a")] == [["prev"]]


async def test_retry_failed_requeues_failures_and_leaves_the_campaign_paused(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(2, MessageStatus.SENT) + _rows(3, MessageStatus.FAILED, start=10),
                               status=CampaignStatus.COMPLETED)
    await CampaignMessage.update({CampaignMessage.attempts: 3, CampaignMessage.error: "timeout"}).where(
        CampaignMessage.status == MessageStatus.FAILED.value
    )
    await login(user)
    page = f"/campaigns/{campaign.id}"
    response = await post_form(client, f"{page}/recipients/retry", {}, page)
    assert response.status_code == 303
    after = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (after.status, after.failed_count, after.pending_count, after.sent_count) == ("PAUSED", 0, 3, 2)
    assert after.completed_at is None and after.pause_reason.startswith("Retrying failed recipients")
    requeued = await CampaignMessage.select(
        CampaignMessage.status, CampaignMessage.attempts, CampaignMessage.error
    ).where(CampaignMessage.phone.like("5511999900%1_"))
    assert requeued == [{"status": "PENDING", "attempts": 0, "error": ""}] * 3


async def test_retry_failed_is_refused_while_running_and_changes_nothing(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(2, MessageStatus.FAILED), status=CampaignStatus.RUNNING)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    await post_form(client, f"{page}/recipients/retry", {}, page)
    flashes = [p.get_text(strip=True) for p in html(await client.get(page)).select(".flash-error")]
    assert flashes == ["Cannot retry the failed recipients of a campaign that is Running."]
    after = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (after.status, after.failed_count, after.pending_count) == ("RUNNING", 2, 0)


async def test_retry_with_no_failures_is_refused_and_keeps_the_campaign_completed(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(2, MessageStatus.SENT), status=CampaignStatus.COMPLETED)
    await login(user)
    page = f"/campaigns/{campaign.id}"
    await post_form(client, f"{page}/recipients/retry", {}, page)
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == "COMPLETED"


async def test_export_starts_with_bom_and_lists_every_recipient(client, login, make_user) -> None:
    user = await make_user()
    rows = _rows(2, MessageStatus.SENT, variables={"Nome": "Zé", "Cidade": "São Paulo"})
    campaign = await _campaign(user, rows, status=CampaignStatus.COMPLETED)
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["Phone", "Nome", "Cidade", "Other variables", "Status", "Error", "Sent at",
                        "Delivered at", "Read at", "Replied at",
                        "WhatsApp ID", "WhatsApp ID differs from the number typed"]
    assert [row[:5] for row in table[1:]] == [
        ['="5511999900000"', "Zé", "São Paulo", "", "Sent"],
        ['="5511999900001"', "Zé", "São Paulo", "", "Sent"],
    ]


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"x\")", "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
async def test_export_neutralises_formula_cells(client, login, make_user, dangerous) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(1, MessageStatus.FAILED, variables={"name": dangerous}))
    await login(user)
    response = await client.get(f"/campaigns/{campaign.id}/export.csv")
    table = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert table[1][1] == "'" + dangerous


async def test_export_streams_past_one_batch(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(2345, MessageStatus.PENDING))
    await login(user)
    table = list(csv.reader(io.StringIO((await client.get(f"/campaigns/{campaign.id}/export.csv")).text)))
    assert len(table) == 2346 and table[-1][0] == '="5511999902344"'  # a text cell for spreadsheets


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("GET", "/progress"),
        ("GET", "/recipients/rows"),
        ("GET", "/export.csv"),
        ("POST", "/actions"),
        ("POST", "/recipients/retry"),
    ],
)
async def test_another_users_campaign_is_not_found_on_every_route(client, login, make_user, method, suffix) -> None:
    owner, stranger = await make_user(), await make_user()
    campaign = await _campaign(owner, _rows(1, MessageStatus.FAILED), status=CampaignStatus.PAUSED)
    await login(stranger)
    token = html(await client.get("/account")).select_one('input[name="_csrf_token"]')["value"]
    url = f"/campaigns/{campaign.id}{suffix}"
    data = {"action": "cancel", "_csrf_token": token}
    response = await (client.get(url) if method == "GET" else client.post(url, data=data))
    assert response.status_code == 404
    assert (await Campaign.objects().get(Campaign.id == campaign.id)).status == "PAUSED"


@pytest.mark.parametrize(
    ("status", "offered"),
    [(CampaignStatus.RUNNING, False), (CampaignStatus.PAUSED, True), (CampaignStatus.COMPLETED, True),
     (CampaignStatus.CANCELLED, False)],
)
async def test_retry_failed_is_offered_only_where_allowed(client, login, make_user, status, offered) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(1, MessageStatus.FAILED), status=status)
    await login(user)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    assert (page.select_one("#retry-failed") is not None) is offered


async def test_retry_failed_is_not_offered_without_failures(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _campaign(user, _rows(1, MessageStatus.SENT), status=CampaignStatus.COMPLETED)
    await login(user)
    assert html(await client.get(f"/campaigns/{campaign.id}")).select_one("#retry-failed") is None
