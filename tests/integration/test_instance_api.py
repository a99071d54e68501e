"""The instances JSON API over HTTP, with a Bearer token, against the real sandbox Evolution server."""

from __future__ import annotations

import json
import socket

import pytest

from models.accounts import users
from models.statuses import CampaignStatus
from models.tables import Instance
from settings import Settings, load_settings
from tests.factories import make_campaign, make_instance


@pytest.fixture
def settings(db: str) -> Settings:
    """A short Evolution read timeout, so the silent-server test waits half a second."""
    return load_settings(
        environ={}, database_url=db, secret_key="test-secret-key", scheduler_enabled=False,
        base_url="http://testserver", evolution_timeout_seconds=0.5, default_locale="en",
    )  # fmt: skip


@pytest.fixture
async def user(make_user):
    return await make_user()


@pytest.fixture
async def auth(user, clock) -> dict[str, str]:
    token = await users.create_api_token(user.id, "tests", now=clock.now())
    return {"authorization": f"Bearer {token}"}


def body(sandbox, **changes: object) -> dict[str, object]:
    values = {
        "name": "Sales",
        "serverUrl": sandbox.url,
        "apiKey": sandbox.api_key,
        "instanceName": sandbox.instance,
    }
    values.update(changes)
    return values


async def test_create_checks_the_server_and_answers_without_the_key(client, auth, sandbox) -> None:
    response = await client.post("/api/instances", json=body(sandbox), headers=auth)
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["state"], data["webhookRegistered"], data["apiKeyLast4"]) == ("open", True, "-key")
    assert (data["ratePerMinute"], data["jitterPercent"], data["dailyCap"]) == (20, 30, 1000)
    assert "apiKey" not in data


async def test_bad_fields_answer_400_per_field(client, auth, sandbox) -> None:
    response = await client.post(
        "/api/instances", json=body(sandbox, serverUrl="nope", ratePerMinute=61, dailyCap=0), headers=auth
    )
    assert response.status_code == 400
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {
        "server_url": "Enter a valid http:// or https:// address.",
        "rate_per_minute": "Enter a number from 1 to 60.",
        "daily_cap": "Enter 1 or more.",
    }
    assert await Instance.count() == 0


async def test_a_refused_key_answers_400_with_the_reason(client, auth, sandbox) -> None:
    response = await client.post("/api/instances", json=body(sandbox, apiKey="wrong"), headers=auth)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "api_key", "message": "The Evolution server refused the API key (401)."}
    ]


async def test_a_server_that_never_answers_saves_with_a_warning(client, auth, sandbox) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        response = await client.post("/api/instances", json=body(sandbox, serverUrl=url), headers=auth)
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "unknown"
    assert data["warning"] == f"Could not reach {url}: it accepted the connection but did not answer in time."


async def test_put_changes_only_given_fields_and_keeps_the_key(client, auth, user, sandbox) -> None:
    created = (await client.post("/api/instances", json=body(sandbox), headers=auth)).json()
    response = await client.put(f"/api/instances/{created['id']}", json={"dailyCap": 50}, headers=auth)
    assert response.status_code == 200
    assert (response.json()["dailyCap"], response.json()["name"]) == (50, "Sales")
    assert (await Instance.objects().first()).api_key == sandbox.api_key


async def test_check_refreshes_the_state(client, auth, sandbox) -> None:
    created = (await client.post("/api/instances", json=body(sandbox), headers=auth)).json()
    sandbox.set_state("connecting")
    response = await client.post(f"/api/instances/{created['id']}/check", headers=auth)
    assert (response.status_code, response.json()["state"]) == (200, "connecting")


async def test_delete_while_in_use_answers_409(client, auth, user) -> None:
    instance = await make_instance(user.id)
    await make_campaign(user.id, instance.id, name="Promo", status=CampaignStatus.SCHEDULED)
    response = await client.delete(f"/api/instances/{instance.id}", headers=auth)
    assert response.status_code == 409
    assert response.json()["detail"] == "This instance cannot be deleted while campaigns use it: “Promo”."


async def test_delete_answers_204(client, auth, user) -> None:
    instance = await make_instance(user.id)
    assert (await client.delete(f"/api/instances/{instance.id}", headers=auth)).status_code == 204
    assert await Instance.count() == 0


async def test_another_users_instance_answers_404(client, auth, make_user) -> None:
    theirs = await make_instance((await make_user()).id)
    assert (await client.get(f"/api/instances/{theirs.id}", headers=auth)).status_code == 404
    assert (await client.delete(f"/api/instances/{theirs.id}", headers=auth)).status_code == 404


async def test_no_answer_contains_the_api_key_or_the_webhook_secret(client, auth, sandbox) -> None:
    created = (await client.post("/api/instances", json=body(sandbox), headers=auth)).json()
    instance = await Instance.objects().first()
    answers = [
        json.dumps(created),
        (await client.get("/api/instances", headers=auth)).text,
        (await client.get(f"/api/instances/{created['id']}", headers=auth)).text,
        (await client.post(f"/api/instances/{created['id']}/check", headers=auth)).text,
    ]
    for text in answers:
        assert sandbox.api_key not in text and instance.webhook_secret not in text
