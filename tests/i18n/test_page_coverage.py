"""Every page and fragment, rendered in pt-BR for a user with data in every state, asks the catalogue only for
strings it has (a miss fails the test); the same pages in English show no Portuguese."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from models.campaigns import from_lists
from models.contacts.contacts import create_contact
from models.contacts.lists import create_list
from models.inbound.optouts import record_opt_out
from models.statuses import CampaignStatus, MessageStatus
from models.tables import MessageTemplate
from tests.factories import NOW, make_campaign, make_instance
from tests.fixtures.web import html, post_form, wizard_import, wizard_upload
from tests.spreadsheets import XLSX_TYPE, xlsx
from views.i18n import on_miss

PT = {"accept-language": "pt-BR"}
EN = {"accept-language": "en"}
PORTUGUESE_LETTERS = re.compile("[ãõçâêôáéíóú]", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]")
CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "pt_BR" / "LC_MESSAGES" / "messages.po"


def _every_status_recipients() -> list[dict[str, object]]:
    return [
        {"phone": f"55119876543{n:02d}", "variables": {"Nome": "Ana"}, "status": status}
        for n, status in enumerate(MessageStatus)
    ]


async def _world(client, user) -> list[str]:
    """Rows in every state; the URLs of every page and fragment that draws them."""
    open_number = await make_instance(user.id, state="open", daily_cap=1000)
    await make_instance(user.id, name="Backup", instance_name="backup", state="close")
    template = MessageTemplate(
        owner=user.id,
        name="Welcome",
        body="Hi {{Nome}}",
        media_url="https://example.com/a.png",
        media_type="image",
        created_at=NOW,
        updated_at=NOW,
    )
    await template.save()
    await record_opt_out(user.id, "5511900000001", source="manual", note="asked", now=NOW)
    await record_opt_out(user.id, "5511900000002", source="reply", note="SAIR", now=NOW)
    campaigns = {}
    for status in CampaignStatus:
        recipients = _every_status_recipients() if status is not CampaignStatus.DRAFT else []
        campaigns[status] = await make_campaign(
            user.id,
            open_number.id,
            status=status,
            name=f"Campaign {status.value.lower()}",
            recipients=recipients,
            started_at=NOW if status is not CampaignStatus.DRAFT else None,
            scheduled_for=NOW if status is CampaignStatus.SCHEDULED else None,
        )
    draft = campaigns[CampaignStatus.DRAFT]
    upload = await post_form(
        client,
        f"/campaigns/{draft.id}/recipients/upload",
        {"lines": "phone,Nome\n5511987654321,Ana\nnot-a-phone,Bia\n5511987654321,Twice\n5511900000001,Out"},
        f"/campaigns/{draft.id}/recipients/upload",
    )
    mapping_url = upload.headers["location"]
    token = mapping_url.split("upload=")[1]
    mapping = html(await client.get(mapping_url))
    form = {
        field["name"]: field.get("value", "")
        for field in mapping.select("form input[name]")
        if field.get("type") not in ("checkbox",) or field.has_attr("checked")
    }
    form.update(phone_column="1", variable_columns="2", has_header="true")
    imported = await client.post(f"/campaigns/{draft.id}/recipients/import", data=form)
    assert imported.status_code == 303, imported.text
    urls = [
        "/dashboard",
        "/account",
        "/campaigns",
        "/campaigns/rows",
        "/campaigns/new",
        "/instances",
        "/instances/new",
        f"/instances/{open_number.id}/edit",
        f"/instances/{open_number.id}/delete",
        "/templates",
        "/templates/new",
        f"/templates/{template.id}/edit",
        "/opt-outs",
        "/campaigns/rows?status=RUNNING",
        f"/campaigns/{draft.id}/edit",
        f"/campaigns/{draft.id}/recipients/upload",
        mapping_url,
        f"/campaigns/{draft.id}/recipients/mapping/form?upload={token}",
        f"/campaigns/{draft.id}/recipients/report?upload={token}",
        "/campaigns/999999",
    ]
    urls += await _contacts_world(client, user, draft.id)
    for campaign in campaigns.values():
        urls += [
            f"/campaigns/{campaign.id}",
            f"/campaigns/{campaign.id}/progress",
            f"/campaigns/{campaign.id}/recipients/rows",
            f"/campaigns/{campaign.id}/delete",
        ]
    return urls


async def _contacts_world(client, user, draft_id: int) -> list[str]:
    """Contacts, a list filled by an import with rows left out, and a draft that sends to it: their pages."""
    contact = await create_contact(
        "+55 11 98765-0001", owner_id=user.id, attributes={"Nome": "Ana"}, tags="vip", region="BR", now=NOW
    )
    await create_contact("+55 11 98765-0002", owner_id=user.id, attributes={}, tags="", region="BR", now=NOW)
    clients = await create_list("Clientes", owner_id=user.id, now=NOW)
    await create_list("Vazia", owner_id=user.id, now=NOW)
    await from_lists.update_lists(draft_id, list_ids=[clients.id], exclude_list_ids=[], owner_id=user.id)
    book = xlsx([["Celular", "Nome"], [5511987650003, "Bia"]], sheet="2026", others=["2025"])
    list_mapping = await wizard_upload(
        client, f"/lists/{clients.id}/contacts", files={"file": ("clientes.xlsx", book, XLSX_TYPE)}
    )
    return [
        "/contacts",
        "/contacts?search=Ana",
        f"/contacts/{contact.id}/edit",
        "/lists",
        f"/lists/{clients.id}/contacts/upload",
        str(list_mapping.url),
        "/opt-outs/import/upload",
        str((await wizard_upload(client, "/opt-outs/import", lines="5511987650009\n12")).url),
        f"/campaigns/{draft_id}/audience",
        f"/campaigns/{draft_id}/audience/panel",
    ]


async def _answers_to_forms(client, draft_id: int) -> list[tuple[str, object]]:
    """Pages drawn as the answer to a form: 422 re-renders with field errors, an import report with the reasons
    of its rows, and a flash shown on the page the user is sent to."""
    answers: list[tuple[str, object]] = []

    async def form(url: str, data: dict[str, str], page: str, status: int) -> None:
        response = await post_form(client, url, data, page)
        assert response.status_code == status, (url, response.status_code)
        answers.append((url, html(response)))

    await form("/campaigns/", {"name": "", "message": "", "rate_limit": "0"}, "/campaigns/new", 422)
    await form(
        "/account/password",
        {"current_password": "wrong", "new_password": "abc", "new_password_confirm": "abc"},
        "/account",
        422,
    )
    await form(
        "/account/password",
        {"current_password": "wrong", "new_password": "abcdefgh1", "new_password_confirm": "other"},
        "/account",
        422,
    )
    await form("/opt-outs/", {"phone": "12"}, "/opt-outs", 422)
    await form("/lists/", {"name": ""}, "/lists", 422)
    edit_url = next(a["href"] for a in html(await client.get("/contacts")).select("a[href$='/edit']"))
    await form(edit_url, {"phone": "+5511987650001", "tags": "not a tag!", "attributes": ""}, edit_url, 422)
    lists_page = html(await client.get("/lists"))
    upload_url = next(a["href"] for a in lists_page.select("a[href$='/contacts/upload']"))
    rows = "phone;Nome\r\n+55 11 98765-0003;Bia\r\n12;Caio\r\n+55 11 98765-0003;Bia\r\n2,5E+12;Dora\r\n"
    base = upload_url.removesuffix("/upload")
    files = {"file": ("list.csv", rows.encode(), "text/csv")}
    _, refused = await wizard_import(client, base, files=files, changes={"mode": "zap"})
    assert refused.status_code == 400, refused.text
    answers.append((base + "/import", html(refused)))
    _, imported = await wizard_import(client, base, files=files)
    assert imported.status_code == 303, imported.text
    answers.append((imported.headers["location"], html(await client.get(imported.headers["location"]))))
    _, refused = await wizard_import(client, "/opt-outs/import", lines="12\nabc")
    assert refused.status_code == 400, refused.text
    answers.append(("/opt-outs/import/import", html(refused)))
    _, imported = await wizard_import(client, "/opt-outs/import", lines="5511987650008\n12")
    assert imported.status_code == 303, imported.text
    answers.append((imported.headers["location"], html(await client.get(imported.headers["location"]))))
    acted = await post_form(client, f"/campaigns/{draft_id}/actions", {"action": "pause"}, f"/campaigns/{draft_id}")
    assert acted.status_code == 303
    answers.append(("flash", html(await client.get(f"/campaigns/{draft_id}"))))
    return answers


def _draft_id(urls: list[str]) -> int:
    """The draft campaign of `_world` (the one whose audience page is listed)."""
    return int(next(url for url in urls if url.endswith("/audience")).split("/")[2])


@pytest.fixture
def misses():
    found: set[tuple[str, str]] = set()
    token = on_miss.set(lambda locale, message: found.add((locale, message)))
    yield found
    on_miss.reset(token)


async def test_every_page_in_pt_br_finds_each_of_its_strings_in_the_catalogue(client, login, make_user, misses) -> None:
    user = await make_user()
    client.headers.update(PT)
    assert html(await client.get("/login")).html["lang"] == "pt-BR"
    await login(user)
    urls = await _world(client, user)  # the set-up requests above are not the pages under test
    pages = []
    for url in urls:
        response = await client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        pages.append((url, html(response)))
    pages += await _answers_to_forms(client, _draft_id(urls))
    phrases = _english_only_phrases()
    for url, page in pages:
        assert page.html is None or page.html["lang"] == "pt-BR", url  # fragments have no <html>
        text = page.get_text(" ", strip=True)
        # Text built outside `_` (a model's message shown as it is) is no catalogue miss: look for its English.
        assert [phrase for phrase in phrases if phrase in text] == [], url
    preview = await post_form(client, "/campaigns/preview", {"name": "X", "message": "Oi {{Nome}}"}, "/campaigns/new")
    fields = await post_form(client, "/campaigns/message-fields", {"template_id": ""}, "/campaigns/new")
    assert preview.status_code == 200 and fields.status_code == 200
    assert sorted(misses) == [], sorted(misses)


def _english_only_phrases() -> list[str]:
    """The fixed words of every English message whose pt-BR translation differs: each literal run between
    placeholders, long enough (20 characters) to be a sentence rather than a word a name could contain."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    phrases: set[str] = set()
    for message in catalogue:
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
        strings = [str(s) for s in (message.string if isinstance(message.string, tuple) else (message.string,))]
        for english in ids:
            if english and english not in strings:
                phrases.update(p.strip() for p in PLACEHOLDER.split(english) if len(p.strip()) >= 20)
    return sorted(phrases)


def _portuguese_only_phrases() -> list[str]:
    """Every pt-BR translation that differs from its English id (long enough not to be a shared word)."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    phrases: list[str] = []
    for message in catalogue:
        strings = [str(s) for s in (message.string if isinstance(message.string, tuple) else (message.string,))]
        ids = [str(i) for i in (message.id if isinstance(message.id, tuple) else (message.id,))]
        phrases += [s for s in strings if message.id and len(s) >= 6 and s not in ids and "%" not in s]
    return phrases


async def test_the_same_pages_in_english_show_no_portuguese(client, login, make_user, misses) -> None:
    user = await make_user()
    client.headers.update(EN)
    login_page = html(await client.get("/login"))
    await login(user)
    urls = await _world(client, user)
    phrases = _portuguese_only_phrases()
    pages = [("/login", login_page)] + [(url, html(await client.get(url))) for url in urls]
    pages += await _answers_to_forms(client, _draft_id(urls))
    for url, page in pages:
        assert page.html is None or page.html["lang"] == "en", url
        for switch in page.select("#locale-switch"):
            switch.decompose()  # each language's name is written in that language, on purpose
        text = page.get_text(" ", strip=True)
        assert not PORTUGUESE_LETTERS.search(text), (url, PORTUGUESE_LETTERS.search(text))
        found = [phrase for phrase in phrases if phrase in text]
        assert found == [], (urlsplit(url).path, found)
