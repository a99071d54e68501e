"""The recipients pages through HTTP: upload -> mapping -> import -> report, without JavaScript."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from models.tables import CampaignMessage
from tests.factories import make_campaign
from tests.fixtures.web import csrf_token, html
from tests.fixtures.web import mapping_fields as form_fields

CSV = "telefone;Nome\r\n+55 11 98888-7777;Ana\r\n11988887777;Ana again\r\n123;Caio\r\n".encode("cp1252")


@pytest.fixture
async def campaign(make_user: Any, login: Any) -> Any:
    user = await make_user()
    await login(user)
    return await make_campaign(user.id, None)


async def upload(client: httpx.AsyncClient, campaign: Any, **kwargs: Any) -> httpx.Response:
    page = f"/campaigns/{campaign.id}/recipients/upload"
    token = await csrf_token(client, page)
    return await client.post(page, data={"_csrf_token": token, **kwargs.pop("data", {})}, **kwargs)


async def mapping_page(client: httpx.AsyncClient, campaign: Any) -> httpx.Response:
    response = await upload(client, campaign, files={"file": ("list.csv", CSV, "text/csv")})
    assert response.status_code == 303, response.text
    return await client.get(response.headers["location"])


async def test_the_upload_page_has_a_file_field_a_textarea_and_the_csrf_token(client, campaign):
    page = html(await client.get(f"/campaigns/{campaign.id}/recipients/upload"))
    form = page.select_one("#recipients-upload")
    assert (form["enctype"], bool(form.select_one("input[type=file]")), bool(form.select_one("textarea"))) == (
        "multipart/form-data",
        True,
        True,
    )
    assert form.select_one('input[name="_csrf_token"]') is not None


async def test_the_mapping_step_previews_the_file_with_its_detected_header(client, campaign):
    page = html(await mapping_page(client, campaign))
    headers = [th.get_text() for th in page.select("#recipients-preview thead th")]
    selected = page.select_one("#phone_column option[selected]").get_text()
    assert (headers, selected, len(page.select("#recipients-preview tbody tr"))) == (
        ["telefone", "Nome"],
        "telefone",
        3,
    )


async def test_upload_mapping_import_shows_the_report_with_skipped_rows(client, campaign):
    page = await mapping_page(client, campaign)
    response = await client.post(f"/campaigns/{campaign.id}/recipients/import", data=form_fields(page))
    assert response.status_code == 303, response.text
    report = html(await client.get(response.headers["location"]))
    rows = [[td.get_text() for td in tr.select("td")][:2] for tr in report.select("#skipped-rows tbody tr")]
    assert (report.select_one("#imported-count").get_text(), rows) == ("1", [["3", "11988887777"], ["4", "123"]])
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 1


async def test_the_report_downloads_as_csv(client, campaign):
    page = await mapping_page(client, campaign)
    response = await client.post(f"/campaigns/{campaign.id}/recipients/import", data=form_fields(page))
    report = html(await client.get(response.headers["location"]))
    download = await client.get(report.select_one("#report-download")["href"])
    assert download.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert (download.headers["content-type"].split(";")[0], rows[0][:4], [r[0] for r in rows[1:]]) == (
        "text/csv",
        ["Row", "Value", "Kind", "Reason"],
        ["3", "4"],
    )


async def test_pasted_lines_are_read_as_a_header_less_csv(client, campaign):
    response = await upload(client, campaign, data={"lines": "11988887777,Ana\n21977776666,Bia"})
    page = await client.get(response.headers["location"])
    imported = await client.post(f"/campaigns/{campaign.id}/recipients/import", data=form_fields(page))
    assert imported.status_code == 303
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 2


async def test_an_empty_upload_stays_on_step_one_with_the_reason(client, campaign):
    response = await upload(client, campaign, files={"file": ("empty.csv", b"", "text/csv")})
    assert (response.status_code, bool(html(response).select_one("#upload-error"))) == (400, True)


async def test_a_binary_upload_stays_on_step_one_saying_so(client, campaign):
    response = await upload(client, campaign, files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png")})
    assert "binary" in html(response).select_one("#upload-error").get_text()


async def test_an_import_with_no_valid_number_redraws_the_mapping_with_the_reason(client, campaign):
    response = await upload(client, campaign, data={"lines": "123,Ana"})
    page = await client.get(response.headers["location"])
    failed = await client.post(f"/campaigns/{campaign.id}/recipients/import", data=form_fields(page))
    assert failed.status_code == 400
    assert "No valid recipient" in html(failed).select_one("#mapping-error").get_text()


async def test_the_header_toggle_fragment_names_columns_by_number(client, campaign):
    page = await mapping_page(client, campaign)
    token = form_fields(page)["upload"]
    fragment = await client.get(f"/campaigns/{campaign.id}/recipients/mapping/form", params={"upload": token})
    options = [o.get_text() for o in html(fragment).select("#phone_column option")]
    assert options == ["1", "2"]


async def test_another_users_upload_token_is_not_found(client, campaign, make_user, login):
    page = await mapping_page(client, campaign)
    token = form_fields(page)["upload"]
    other = await make_user()
    client.cookies.clear()
    await login(other)
    own = await make_campaign(other.id, None)
    response = await client.get(f"/campaigns/{own.id}/recipients/mapping", params={"upload": token})
    assert response.status_code == 404


async def test_another_users_campaign_upload_page_is_not_found(client, make_user, login):
    owner = await make_user()
    campaign = await make_campaign(owner.id, None)
    await login(await make_user())
    response = await client.get(f"/campaigns/{campaign.id}/recipients/upload")
    assert response.status_code == 404


@pytest.fixture
async def small_client(settings: Any, clock: Any) -> Any:
    from dataclasses import replace

    from asgi_lifespan import LifespanManager

    from app import create_app

    app = create_app(replace(settings, max_upload_bytes=10_000), clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(small_client, make_user):
    from tests.fixtures.web import Login

    user = await make_user()
    await Login(small_client)(user)
    campaign = await make_campaign(user.id, None)
    big = b"phone\n" + b"11988887777\n" * 20_000
    response = await upload(small_client, campaign, files={"file": ("big.csv", big, "text/csv")})
    assert (response.status_code, "larger than" in html(response).get_text()) == (400, True)
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 0
