"""The opt-outs JSON API: add (normalised, field errors), list, delete, ownership."""

from __future__ import annotations

from typing import Any

from models.accounts import users
from models.tables import OptOut


async def _bearer(user: Any, clock: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {await users.create_api_token(user.id, 'crm', now=clock.now())}"}


async def test_api_adds_a_normalised_opt_out_and_lists_it(client, make_user, clock) -> None:
    user = await make_user()
    headers = await _bearer(user, clock)
    created = await client.post("/api/opt-outs", json={"phone": "+55 (11) 98765-4321"}, headers=headers)
    assert created.status_code == 201 and created.json()["phone"] == "5511987654321"
    listing = (await client.get("/api/opt-outs", headers=headers)).json()
    assert [item["phone"] for item in listing["items"]] == ["5511987654321"] and listing["total"] == 1


async def test_api_refuses_an_invalid_phone_with_the_field(client, make_user, clock) -> None:
    user = await make_user()
    response = await client.post("/api/opt-outs", json={"phone": "12"}, headers=await _bearer(user, clock))
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["phone"]
    assert await OptOut.count() == 0


async def test_api_deletes_only_the_callers_opt_out(client, make_user, clock) -> None:
    owner, stranger = await make_user(), await make_user()
    row = OptOut(owner=owner.id, phone="5511987654321", created_at=clock.now())
    await row.save()
    refused = await client.delete(f"/api/opt-outs/{row.id}", headers=await _bearer(stranger, clock))
    assert refused.status_code == 404 and await OptOut.count() == 1
    done = await client.delete(f"/api/opt-outs/{row.id}", headers=await _bearer(owner, clock))
    assert done.status_code == 204 and await OptOut.count() == 0
