"""No silent data loss and no NUL characters from user input (issue 10, finding 14), through the JSON API."""

from __future__ import annotations

import pytest

from models.tables import CampaignMessage, MessageTemplate
from tests.factories import make_campaign
from tests.integration.api_helpers import api_caller, error_fields

NUL_REFUSAL = "The text holds a NUL character (\\0), which cannot be stored: remove it."


@pytest.fixture
async def caller(make_user):
    return await api_caller(make_user)


async def import_csv_body(client, caller, csv: bytes):
    campaign = await make_campaign(caller.user.id, None)
    headers = {**caller.headers, "Content-Type": "text/csv"}
    return campaign, await client.post(f"/api/campaigns/{campaign.id}/recipients", content=csv, headers=headers)


async def test_an_unclosed_quote_is_refused_naming_its_row_and_nothing_is_stored(client, caller):
    csv = b'telefone;Nome\r\n11988887777;Ana\r\n11988886666;"Bia\r\n11988885555;Caio\r\n11988884444;Duda\r\n'
    campaign, response = await import_csv_body(client, caller, csv)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith('Row 3 opens a quote (") that is never closed')
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 0


async def test_a_quoted_value_over_several_lines_is_still_one_value(client, caller):
    csv = b'telefone;Nome\r\n11988887777;"Ana\r\nMaria"\r\n11988886666;Bia\r\n'
    _, response = await import_csv_body(client, caller, csv)
    assert response.status_code == 201, response.text
    assert (response.json()["imported"], response.json()["skippedCount"]) == (2, 0)


@pytest.mark.parametrize("field", ["name", "message", "mediaFilename"])
async def test_a_nul_character_in_a_campaign_text_field_is_refused_naming_the_field(client, caller, field):
    body = caller.body(**{field: "Black\x00Friday"})
    if field == "mediaFilename":
        body |= {"mediaUrl": "https://example.com/a.pdf", "mediaType": "document"}
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert error_fields(response) == {field: NUL_REFUSAL}


async def test_a_nul_character_in_an_inline_recipients_variables_is_refused(client, caller):
    body = caller.body(recipients=[{"phone": "+55 11 98888-0001", "variables": {"name": "A\x00na"}}])
    response = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 400, response.text
    assert error_fields(response) == {"recipients[0].variables": NUL_REFUSAL}


async def test_a_nul_character_in_a_template_body_is_refused_and_not_stored(client, caller):
    response = await client.post(
        "/api/templates", json={"name": "Promo", "body": "Hi\x00there"}, headers=caller.headers
    )
    assert error_fields(response) == {"body": NUL_REFUSAL}
    assert await MessageTemplate.count() == 0
