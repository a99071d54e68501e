"""Security headers on every response, pages without inline script, and the OpenAPI schema as JSON behind login
(issue 10, finding 11)."""

from __future__ import annotations

import pytest

from models.accounts import users
from tests.fixtures.web import html

ANONYMOUS_ANSWERS = ["/login", "/no/such/page", "/api/campaigns", "/static/app.css", "/healthz"]


def directives(response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";")}


@pytest.mark.parametrize("path", ANONYMOUS_ANSWERS)
async def test_every_answer_carries_the_security_headers(client, path) -> None:
    response = await client.get(path)
    policy = directives(response)
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in policy["style-src"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_a_webhook_answer_carries_the_security_headers_too(client) -> None:
    response = await client.post("/webhooks/evolution/1", json={}, headers={"x-arauto-secret": "x"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert directives(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    "page",
    [
        "/campaigns",
        "/campaigns/new",
        "/instances",
        "/instances/new",
        "/account",
        "/dashboard",
        "/templates",
        "/opt-outs",
    ],
)
async def test_signed_in_pages_have_no_inline_script(client, login, make_user, page) -> None:
    await login(await make_user())
    document = html(await client.get(page))
    scripts = document.select("script")
    assert scripts and all(script.get("src", "").startswith("/static/") and not script.string for script in scripts)
    handlers = [
        (tag.name, name) for tag in document.find_all(True) for name in tag.attrs if name.startswith(("on", "hx-on"))
    ]
    assert handlers == []
    links = [tag["href"] for tag in document.select("a[href]") if tag["href"].strip().lower().startswith("javascript:")]
    assert links == []


async def test_the_openapi_schema_needs_a_login(client) -> None:
    assert (await client.get("/schema/openapi.json")).status_code in {303, 401}
    assert (await client.get("/schema")).status_code in {303, 401}


async def test_the_openapi_schema_is_served_as_json_to_an_api_token(client, make_user, clock) -> None:
    token = await users.create_api_token((await make_user()).id, "docs", now=clock.now())
    response = await client.get("/schema/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "/api/campaigns" in response.json()["paths"]


@pytest.mark.parametrize(
    "ui", ["/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc", "/schema/scalar"]
)
async def test_no_openapi_ui_from_a_cdn_is_served(client, make_user, clock, ui) -> None:
    token = await users.create_api_token((await make_user()).id, "docs", now=clock.now())
    response = await client.get(ui, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
