"""The contacts and lists pages: filters, export, edit, and importing a workbook into a list through a form."""

from __future__ import annotations

import csv
import io
from typing import Any

from models.contacts.contacts import create_contact
from models.statuses import MessageStatus
from models.tables import Contact, OptOut
from tests.factories import NOW, make_campaign, recipient_rows
from tests.fixtures.web import csrf_token, html, post_form
from tests.spreadsheets import XLSX_TYPE, xlsx


async def test_a_list_is_created_and_filled_from_an_xlsx_through_the_pages(client, login, make_user):
    user = await make_user()
    await login(user)
    created = await post_form(client, "/lists/", {"name": "Clientes"}, page="/lists/")
    assert created.status_code == 303
    form_page = created.headers["location"]
    token = await csrf_token(client, form_page)
    book = xlsx([["Nome", "Celular"], ["Ana", 5511988887777], ["Bia", "abc"]], sheet="Contatos")
    answer = await client.post(
        form_page,
        data={"_csrf_token": token, "mode": "add", "default_region": "BR", "sheet": "Contatos"},
        files={"file": ("clientes.xlsx", book, XLSX_TYPE)},
    )
    assert answer.status_code == 200, answer.text
    page = html(answer)
    assert (page.select_one("#imported-count").text, page.select_one("#list-size").text) == ("1", "1")
    assert [td.text for td in page.select("#skipped-rows td")][:2] == ["3", "abc"]
    lists = html(await client.get("/lists/"))
    assert lists.select_one("#lists [data-field=members]").text == "1"


async def test_the_contacts_page_filters_by_tag_and_the_export_holds_the_same_contacts(client, login, make_user):
    user = await make_user()
    for phone, tags, city in (("5511988880001", ["vip"], "Recife"), ("5511988880002", [], "Natal")):
        await create_contact(phone, owner_id=user.id, attributes={"Cidade": city}, tags=tags, region="BR", now=NOW)
    await login(user)
    page = html(await client.get("/contacts/", params={"tag": "vip"}))
    assert [row["data-phone"] for row in page.select("#contacts tbody tr[data-phone]")] == ["5511988880001"]
    exported = await client.get("/contacts/export.csv", params={"tag": "vip"})
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows == [["phone", "tags", "Cidade"], ["+5511988880001", "vip", "Recife"]]


async def test_editing_a_contact_saves_attributes_and_refuses_a_line_without_equals(client, login, make_user):
    user = await make_user()
    contact = await create_contact("5511988880001", owner_id=user.id, attributes={}, tags=[], region="BR", now=NOW)
    await login(user)
    edit = f"/contacts/{contact.id}/edit"
    refused = await post_form(client, edit, {"attributes": "Nome Ana", "tags": ""}, page=edit)
    assert refused.status_code == 422
    assert html(refused).select_one("#attributes-error") is not None
    saved = await post_form(client, edit, {"attributes": "Nome = Ana\n", "tags": "vip lead"}, page=edit)
    assert saved.status_code == 303
    stored: Any = await Contact.objects().get(Contact.id == contact.id)
    assert (stored.tags.split(), "Ana" in str(stored.attributes)) == (["vip", "lead"], True)


async def test_a_contacts_page_shows_the_campaigns_that_wrote_to_it_and_its_opt_out(client, login, make_user):
    user = await make_user()
    contact = await create_contact("5511988880001", owner_id=user.id, attributes={}, tags=[], region="BR", now=NOW)
    rows = recipient_rows(["5511988880001", "5511988880002"])
    rows[0]["status"] = MessageStatus.DELIVERED
    campaign = await make_campaign(user.id, None, recipients=rows, name="Natal")
    await OptOut(owner=user.id, phone="5511988880001", created_at=NOW).save()
    await login(user)
    page = html(await client.get(f"/contacts/{contact.id}/edit"))
    history = page.select("#contact-history tbody tr[data-campaign]")
    assert [(row["data-campaign"], row.select_one("[data-field=status]").text) for row in history] == [
        (str(campaign.id), "DELIVERED")
    ]
    assert page.select_one("#contact-opted-out") is not None
