"""The contacts and lists pages: filters, export, edit, and importing into a list through the three-step wizard."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from models.contacts.contacts import create_contact
from models.contacts.lists import create_list
from models.statuses import MessageStatus
from models.tables import Contact, ListMember, OptOut
from tests.factories import NOW, make_campaign, recipient_rows
from tests.fixtures.web import html, mapping_fields, post_form, wizard_import, wizard_upload
from tests.spreadsheets import XLSX_TYPE, xlsx


def attributes_of(contact: Any) -> dict[str, str]:
    stored = contact.attributes
    return dict(json.loads(stored) if isinstance(stored, str) else stored)


async def test_a_list_is_created_and_filled_from_an_xlsx_through_the_three_steps(client, login, make_user):
    user = await make_user()
    await login(user)
    created = await post_form(client, "/lists/", {"name": "Clientes"}, page="/lists/")
    assert created.status_code == 303
    base = created.headers["location"].removesuffix("/upload")
    book = xlsx([["Nome", "Celular"], ["Ana", 5511988887777], ["Bia", "abc"]], sheet="Contatos", others=["Resumo"])
    mapping, imported = await wizard_import(client, base, files={"file": ("clientes.xlsx", book, XLSX_TYPE)})
    drawn = html(mapping)
    assert [o.text for o in drawn.select("#sheet option")] == ["Contatos", "Resumo"]
    assert drawn.select_one("#phone_column option[selected]").text == "Celular"
    assert [i["value"] for i in drawn.select("#import-mode input")] == ["add", "replace"]
    assert imported.status_code == 303, imported.text
    report = html(await client.get(imported.headers["location"]))
    assert (report.select_one("#imported-count").text, report.select_one("#total-count").text) == ("1", "1")
    assert [td.text for td in report.select("#skipped-rows td")][:2] == ["3", "abc"]
    download = await client.get(report.select_one("#report-download")["href"])
    assert (
        download.headers["content-disposition"] == f'attachment; filename="import-report-list-{base.split("/")[2]}.csv"'
    )
    stored: Any = await Contact.objects().first()
    assert (
        stored.phone,
        json.loads(stored.attributes) if isinstance(stored.attributes, str) else stored.attributes,
    ) == (
        "5511988887777",
        {"Nome": "Ana"},
    )
    lists = html(await client.get("/lists/"))
    assert lists.select_one("#lists [data-field=members]").text == "1"


async def test_the_mapping_step_previews_the_sheet_chosen_in_a_workbook(client, login, make_user):
    user = await make_user()
    await login(user)
    chosen = await create_list("Planilha", owner_id=user.id, now=NOW)
    base = f"/lists/{chosen.id}/contacts"
    book = xlsx([["Celular"], [5511988887777]], sheet="Contatos", others=["Resumo"])
    mapping = await wizard_upload(client, base, files={"file": ("p.xlsx", book, XLSX_TYPE)})
    token = mapping_fields(mapping)["upload"]
    fragment = html(await client.get(f"{base}/mapping/form", params={"upload": token, "sheet": "Resumo"}))
    assert fragment.select_one("#sheet option[selected]").text == "Resumo"
    assert [td.text for td in fragment.select("#recipients-preview td")] == ["other sheet"]


async def test_a_re_import_through_the_wizard_updates_attributes_and_replace_empties_the_list_first(
    client, login, make_user
):
    user = await make_user()
    await login(user)
    target = await create_list("Clientes", owner_id=user.id, now=NOW)
    base = f"/lists/{target.id}/contacts"
    first = "telefone;Nome;Cidade\r\n11988880001;Ana;Recife\r\n11988880002;Bia;Natal\r\n"
    _, done = await wizard_import(client, base, files={"file": ("a.csv", first.encode(), "text/csv")})
    assert done.status_code == 303, done.text
    again = "telefone;Nome\r\n11988880001;Ana Maria\r\n"
    _, done = await wizard_import(client, base, files={"file": ("b.csv", again.encode(), "text/csv")})
    assert done.status_code == 303
    assert await Contact.count() == 2
    ana: Any = await Contact.objects().get(Contact.phone == "5511988880001")
    assert attributes_of(ana) == {"Nome": "Ana Maria", "Cidade": "Recife"}  # merged, not duplicated
    _, done = await wizard_import(
        client, base, files={"file": ("b.csv", again.encode(), "text/csv")}, changes={"mode": "replace"}
    )
    report = html(await client.get(done.headers["location"]))
    assert report.select_one("#total-count").text == "1"
    assert await ListMember.count().where(ListMember.contact_list == target.id) == 1
    assert await Contact.count() == 2  # replace empties the list, never the contacts


async def test_unchecked_columns_are_not_kept_and_a_bad_mode_redraws_the_mapping(client, login, make_user):
    user = await make_user()
    await login(user)
    target = await create_list("Clientes", owner_id=user.id, now=NOW)
    base = f"/lists/{target.id}/contacts"
    rows = b"telefone,Nome,Segredo\n11988880001,Ana,x\n"
    _, refused = await wizard_import(client, base, files={"file": ("a.csv", rows, "text/csv")}, changes={"mode": "zap"})
    assert refused.status_code == 400
    assert "add or replace" in html(refused).select_one("#mapping-error").text
    _, done = await wizard_import(
        client, base, files={"file": ("a.csv", rows, "text/csv")}, changes={"variable_columns": ["2"]}
    )
    assert done.status_code == 303
    stored: Any = await Contact.objects().first()
    assert attributes_of(stored) == {"Nome": "Ana"}


async def test_another_users_list_and_upload_are_not_found(client, login, make_user):
    owner, other = await make_user(), await make_user()
    target = await create_list("Privada", owner_id=owner.id, now=NOW)
    await login(other)
    assert (await client.get(f"/lists/{target.id}/contacts/upload")).status_code == 404
    mine = await create_list("Minha", owner_id=other.id, now=NOW)
    mapping = await wizard_upload(client, f"/lists/{mine.id}/contacts", lines="11988880001")
    token = mapping_fields(mapping)["upload"]
    # The token is kept under the list it was uploaded to: another target (even the user's own) does not find it.
    own_campaign = await make_campaign(other.id, None)
    answer = await client.get(f"/campaigns/{own_campaign.id}/recipients/mapping", params={"upload": token})
    assert answer.status_code == 404


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
