"""Message templates: pages (list, new, edit, delete) and the JSON API, each scoped to its owner."""

from __future__ import annotations

import pytest

from models.tables import Campaign, MessageTemplate
from tests.factories import NOW, make_campaign
from tests.fixtures.web import html, post_form
from tests.integration.api_helpers import api_caller, error_fields


async def own_template(owner_id: int, **fields) -> MessageTemplate:
    template = MessageTemplate(owner=owner_id, name="Promo", body="Hi {{name}}", created_at=NOW, updated_at=NOW)
    for key, value in fields.items():
        setattr(template, key, value)
    await template.save()
    return template


@pytest.fixture
async def user(make_user, login):
    user = await make_user()
    await login(user)
    return user


async def test_creating_a_template_through_the_page_lists_it(client, user):
    response = await post_form(client, "/templates", {"name": "Welcome", "body": "Hi {{name}}"}, page="/templates/new")
    assert (response.status_code, response.headers["location"]) == (303, "/templates")
    rows = html(await client.get("/templates")).select("tr.template-row td:first-child a")
    assert [a.get_text() for a in rows] == ["Welcome"]


async def test_a_template_without_name_re_renders_with_422(client, user):
    response = await post_form(client, "/templates", {"name": "", "body": "x" * 4097}, page="/templates/new")
    page = html(response)
    assert response.status_code == 422
    assert page.select_one("#name-error").get_text() == "The name is required."
    assert "4097 characters" in page.select_one("#body-error").get_text()
    assert await MessageTemplate.count() == 0


async def test_editing_a_template_saves_it(client, user):
    template = await own_template(user.id)
    url = f"/templates/{template.id}/edit"
    response = await post_form(client, url, {"name": "Renamed", "body": "New"}, page=url)
    assert response.status_code == 303
    saved = await MessageTemplate.objects().get(MessageTemplate.id == template.id)
    assert (saved.name, saved.body) == ("Renamed", "New")


async def test_deleting_a_template_keeps_the_campaigns_made_from_it(client, user):
    template = await own_template(user.id)
    campaign = await make_campaign(user.id, None, template=template.id, message="Hi {{name}}")
    response = await post_form(client, f"/templates/{template.id}/delete", {}, page="/templates")
    assert response.status_code == 303
    kept = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (kept.message, kept.template, await MessageTemplate.count()) == ("Hi {{name}}", None, 0)


@pytest.mark.parametrize(("method", "path"), [("GET", "/edit"), ("POST", "/edit"), ("POST", "/delete")])
async def test_another_users_template_is_404_on_every_page_route(client, user, make_user, method, path):
    template = await own_template((await make_user()).id)
    url = f"/templates/{template.id}{path}"
    if method == "GET":
        response = await client.get(url)
    else:
        response = await post_form(client, url, {"name": "x", "body": "y"}, page="/templates/new")
    assert response.status_code == 404
    assert (await MessageTemplate.objects().get(MessageTemplate.id == template.id)).name == "Promo"


async def test_api_template_crud(client, make_user):
    caller = await api_caller(make_user)
    created = await client.post("/api/templates", json={"name": "A", "body": "b"}, headers=caller.headers)
    assert created.status_code == 201
    url = f"/api/templates/{created.json()['id']}"
    updated = await client.put(url, json={"name": "A2", "body": "b2"}, headers=caller.headers)
    listed = await client.get("/api/templates", headers=caller.headers)
    deleted = await client.delete(url, headers=caller.headers)
    assert (updated.json()["name"], listed.json()["total"], deleted.status_code) == ("A2", 1, 204)
    assert (await client.get(url, headers=caller.headers)).status_code == 404


async def test_api_template_validation_names_the_field(client, make_user):
    caller = await api_caller(make_user)
    response = await client.post(
        "/api/templates",
        json={"name": "A", "body": "x" * 4097, "mediaUrl": "nope", "mediaType": "image"},
        headers=caller.headers,
    )
    assert set(error_fields(response)) == {"body", "mediaUrl"}


async def test_api_another_users_template_is_404(client, make_user):
    caller = await api_caller(make_user)
    template = await own_template((await make_user()).id)
    response = await client.delete(f"/api/templates/{template.id}", headers=caller.headers)
    assert response.status_code == 404
    assert await MessageTemplate.count() == 1


async def test_a_campaign_cannot_use_another_users_template(client, make_user):
    caller = await api_caller(make_user)
    template = await own_template((await make_user()).id)
    response = await client.post(
        "/api/campaigns", json=caller.body(message="", templateId=template.id), headers=caller.headers
    )
    assert response.status_code == 404
