"""The composer: a WhatsApp-like bubble, another example, variable buttons, the counter's warning, templates too."""

from __future__ import annotations

from tests.factories import make_campaign, make_instance
from tests.fixtures.web import html, post_form
from tests.integration.test_campaign_preview import preview


async def test_the_bubble_formats_bold_and_italic_and_shows_a_script_tag_as_text(client, signed_in_user):
    block = await preview(client, message="*Olá* _amigo_ <script>alert(1)</script>")
    message = block.select_one(".bubble .message")
    assert (message.strong.get_text(), message.em.get_text()) == ("Olá", "amigo")
    assert message.find("script") is None
    assert message.get_text() == "Olá amigo <script>alert(1)</script>"


async def test_another_example_shows_the_next_recipients(client, signed_in_user):
    instance = await make_instance(signed_in_user.id)
    recipients = [{"phone": f"551198888000{n}", "variables": {"name": f"N{n}"}} for n in range(1, 8)]
    campaign = await make_campaign(signed_in_user.id, instance.id, recipients=recipients)
    first = await preview(client, message="Hi {{name}}", campaign_id=str(campaign.id))
    link = first.select_one("a.another-example")
    assert (link["href"], link["hx-vals"]) == ("?sample=1", '{"sample": "1"}')
    second = await preview(client, message="Hi {{name}}", campaign_id=str(campaign.id), sample="1")
    assert [m.get_text() for m in second.select(".bubble .message")] == ["Hi N4", "Hi N5", "Hi N6"]


async def test_another_example_draws_another_spintax_variant_without_recipients(client, signed_in_user):
    spintax = "{" + "|".join(f"v{n}" for n in range(40)) + "}"
    texts = set()
    for sample in range(4):
        block = await preview(client, message=spintax, sample=str(sample))
        texts.add(block.select_one(".bubble .message").get_text())
    assert len(texts) > 1


async def test_the_edit_page_offers_the_imported_columns_as_insert_buttons(client, signed_in_user):
    instance = await make_instance(signed_in_user.id)
    recipients = [{"phone": "5511988880001", "variables": {"Nome": "Ana", "Cidade": "Recife"}}]
    campaign = await make_campaign(signed_in_user.id, instance.id, recipients=recipients)
    page = html(await client.get(f"/campaigns/{campaign.id}/edit"))
    buttons = page.select("#message-fields button[data-insert]")
    inserts = [(b["data-insert"], b["data-target"]) for b in buttons]
    assert inserts == [("{{Nome}}", "message"), ("{{Cidade}}", "message")]


async def test_the_counter_warns_near_4096_before_the_limit(client, signed_in_user):
    counter = (await preview(client, message="a" * 3700)).select_one("#composer-counter")
    assert "near-limit" in counter["class"] and "field-error" not in counter["class"]
    assert not counter.select_one('[data-when="near"]').has_attr("hidden")
    assert counter.select_one('[data-when="over"]').has_attr("hidden")


async def test_the_template_form_has_the_same_composer_and_preview(client, signed_in_user):
    page = html(await client.get("/templates/new"))
    form = page.select_one("#template-form")
    assert form.select_one(".form-body")["hx-post"] == "/templates/preview"
    assert form.select_one("textarea#body")["data-counter"] == "composer-counter"
    response = await post_form(client, "/templates/preview", {"body": "~old~ *new*"}, page="/templates/new")
    message = html(response).select_one("#campaign-preview .bubble .message")
    assert (message.s.get_text(), message.strong.get_text()) == ("old", "new")
