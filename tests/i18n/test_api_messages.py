"""Messages built in models/ (field errors, import refusals, per-row import reasons) reach an API client in the
language of its request: Portuguese for pt-BR, English for en."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_campaign
from tests.integration.api_helpers import api_caller, error_fields

PT = {"accept-language": "pt-BR"}
EN = {"accept-language": "en"}
# Row 3 has a number too short to be a phone, row 4 repeats row 2.
CSV = b"telefone;Nome\r\n+55 11 98888-7777;Ana\r\n123;Caio\r\n11 98888-7777;Ana de novo\r\n"


@pytest.fixture
async def caller(make_user: Any) -> Any:
    return await api_caller(make_user)


async def test_a_portuguese_client_gets_the_field_errors_of_a_bad_campaign_in_portuguese(client, caller) -> None:
    body = caller.body(name="x" * 201, rateLimit=0, mediaUrl="ftp://example.com/a.png", mediaType="image")
    errors = error_fields(await client.post("/api/campaigns", json=body, headers={**caller.headers, **PT}))
    assert errors["name"] == "O nome tem 201 caracteres; o máximo é 200."
    assert errors["rateLimit"].startswith("A velocidade deve ficar entre 1 e ")
    assert errors["mediaUrl"] == "O endereço da mídia deve começar com http:// ou https://."


async def test_an_english_client_gets_the_same_field_errors_in_english(client, caller) -> None:
    body = caller.body(name="x" * 201, rateLimit=0, mediaUrl="ftp://example.com/a.png", mediaType="image")
    errors = error_fields(await client.post("/api/campaigns", json=body, headers={**caller.headers, **EN}))
    assert errors["name"] == "The name has 201 characters; at most 200."
    assert errors["rateLimit"].startswith("The rate must be between 1 and ")
    assert errors["mediaUrl"] == "The media URL must start with http:// or https://."


async def test_a_portuguese_client_gets_each_skipped_rows_reason_in_portuguese(client, caller) -> None:
    campaign = await make_campaign(caller.user.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        content=CSV,
        headers={**caller.headers, **PT, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    reasons = {row["row"]: row["reason"] for row in response.json()["skipped"]}
    assert reasons == {3: "curto demais", 4: "repetido de 5511988887777"}


async def test_an_english_client_gets_each_skipped_rows_reason_in_english(client, caller) -> None:
    campaign = await make_campaign(caller.user.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        content=CSV,
        headers={**caller.headers, **EN, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    reasons = {row["row"]: row["reason"] for row in response.json()["skipped"]}
    assert reasons == {3: "too short", 4: "duplicate of 5511988887777"}


async def test_a_csv_import_that_cannot_go_in_is_refused_in_the_clients_language(client, caller) -> None:
    campaign = await make_campaign(caller.user.id, None)
    bad = b"telefone;Nome\r\n123;Caio\r\n"
    answers = {}
    for language, headers in (("pt-BR", PT), ("en", EN)):
        response = await client.post(
            f"/api/campaigns/{campaign.id}/recipients",
            params={"hasHeader": "true"},
            content=bad,
            headers={**caller.headers, **headers, "Content-Type": "text/csv"},
        )
        assert response.status_code == 400, response.text
        answers[language] = response.json()["detail"]
    assert answers == {
        "pt-BR": "Nenhum destinatário válido para importar (1 inválidos, 0 repetidos, 0 descadastrados). "
        "Primeiro problema: linha 2: curto demais.",
        "en": "No valid recipient to import (1 invalid, 0 duplicates, 0 opted out). First problem: row 2: too short.",
    }


async def test_a_bad_import_mapping_names_the_missing_column_in_portuguese(client, caller) -> None:
    campaign = await make_campaign(caller.user.id, None)
    response = await client.post(
        f"/api/campaigns/{campaign.id}/recipients",
        params={"phoneColumn": "celular"},
        content=CSV,
        headers={**caller.headers, **PT, "Content-Type": "text/csv"},
    )
    assert error_fields(response) == {
        "phoneColumn": "O arquivo não tem a coluna “celular”; as colunas dele são: telefone, Nome."
    }
