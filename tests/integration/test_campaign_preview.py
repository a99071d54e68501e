"""The form's live preview fragment: rendered text for the first recipients, the count, and missing variables."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.factories import make_campaign, make_instance
from tests.fixtures.web import csrf_token, html, post_form


@pytest.fixture
async def user(make_user, login):
    user = await make_user()
    await login(user)
    return user


async def preview(client, **fields: str):
    response = await post_form(client, "/campaigns/preview", fields, page="/campaigns/new")
    assert response.status_code == 200, response.text
    fragment = html(response)
    assert [t.name for t in fragment.find_all(recursive=False)] == ["section"]
    return fragment.select_one("#campaign-preview")


async def test_the_form_posts_the_preview_after_typing_stops(client, user):
    form = html(await client.get("/campaigns/new")).select_one("#campaign-form")
    assert not form.has_attr("hx-post")  # on the form, htmx would check the required fields first and refuse
    body = form.select_one(".form-body")
    assert (body["hx-post"], body["hx-trigger"], body["hx-target"]) == (
        "/campaigns/preview",
        "input changed delay:400ms",
        "#campaign-preview",
    )


async def test_the_preview_renders_the_first_three_recipients(client, user):
    instance = await make_instance(user.id)
    recipients = [{"phone": f"551198888000{n}", "variables": {"name": f"N{n}"}} for n in range(1, 6)]
    campaign = await make_campaign(user.id, instance.id, recipients=recipients)
    block = await preview(client, message="Hi {{name}}!", campaign_id=str(campaign.id))
    assert [pre.get_text() for pre in block.select(".bubble .message")] == ["Hi N1!", "Hi N2!", "Hi N3!"]


async def test_the_preview_counts_characters_against_4096(client, user):
    block = await preview(client, message="a" * 4097)
    count = block.select_one(".char-count")
    assert (count["data-length"], count["data-limit"]) == ("4097", "4096")
    assert "field-error" in count["class"]


async def test_the_preview_names_the_variables_some_recipients_lack(client, user):
    recipients = [
        {"phone": "5511988880001", "variables": {"name": "Ana", "city": "Rio"}},
        {"phone": "5511988880002", "variables": {"name": "Bia"}},
        {"phone": "5511988880003", "variables": {"city": ""}},
    ]
    campaign = await make_campaign(user.id, None, recipients=recipients)
    block = await preview(client, message="{{name|friend}} from {{city}} {{code}}", campaign_id=str(campaign.id))
    missing = {li["data-variable"]: li.get_text() for li in block.select(".missing-variables li")}
    assert set(missing) == {"city", "code"}
    assert missing["city"].endswith("2 recipients") and missing["code"].endswith("3 recipients")


async def test_a_new_campaign_previews_with_sample_values(client, user):
    block = await preview(client, message="Hi {{name}}")
    assert [pre.get_text() for pre in block.select(".bubble .message")] == ["Hi [name]"]
    assert block.select(".missing-variables") == []


async def test_the_preview_never_evaluates_template_syntax(client, user):
    block = await preview(client, message="{{ 7*7 }} {% for x in y %}")
    assert block.select_one(".bubble .message").get_text() == "{{ 7*7 }} {% for x in y %}"


async def test_the_preview_uses_the_templates_body_when_the_message_is_empty(client, user):
    created = await post_form(client, "/templates", {"name": "T", "body": "From template"}, page="/templates/new")
    assert created.status_code == 303
    template_id = html(await client.get("/templates")).select_one("tr.template-row")["data-id"]
    block = await preview(client, message="", template_id=template_id)
    assert block.select_one(".bubble .message").get_text() == "From template"


async def test_choosing_a_template_fills_the_message_fields_fragment(client, user):
    await post_form(
        client,
        "/templates",
        {"name": "T", "body": "Body", "media_url": "https://x.test/a.pdf", "media_type": "document"},
        page="/templates/new",
    )
    template_id = html(await client.get("/templates")).select_one("tr.template-row")["data-id"]
    response = await post_form(client, "/campaigns/message-fields", {"template_id": template_id}, page="/campaigns/new")
    fragment = html(response).select_one("#message-fields")
    assert fragment.select_one("#message").get_text() == "Body"
    assert fragment.select_one("#media_url")["value"] == "https://x.test/a.pdf"
    assert fragment.select_one("#media_type option[selected]")["value"] == "document"


async def test_a_message_over_the_limit_is_refused_in_the_preview_without_rendering(client, user):
    block = await preview(client, message="{a|b}" * 900)
    assert block.select_one(".char-count")["data-length"] == "4500"
    assert block.select_one(".preview-refused") is not None
    assert block.select("pre.message") == []


async def test_a_preview_body_far_beyond_the_message_limit_answers_413(client, user):
    response = await post_form(client, "/campaigns/preview", {"message": "x" * 200_000}, page="/campaigns/new")
    assert response.status_code == 413


async def test_healthz_answers_while_the_adversarial_message_is_previewed(client, user):
    """Issue 10, finding 1: `{{` and spaces used to hold the event loop for seconds, and every request waited."""
    token = await csrf_token(client, "/campaigns/new")
    adversarial = {"message": "{{" + " " * 4000, "_csrf_token": token}
    started = time.perf_counter()
    previewing = asyncio.create_task(client.post("/campaigns/preview", data=adversarial))
    await asyncio.sleep(0.05)  # the preview is under way (or, if it held the loop, this returns only after it)
    health = await client.get("/healthz")
    health_seconds = time.perf_counter() - started
    assert ((await previewing).status_code, health.status_code) == (200, 200)
    assert health_seconds < 1.0
