"""An API caller for tests: a user with a Bearer token, and a valid campaign body to vary one field at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from models.accounts.users import CurrentUser, create_api_token
from tests.factories import NOW, make_instance

PHONES = ["+55 11 98888-0001", "+55 11 98888-0002", "+55 11 98888-0003"]


@dataclass
class ApiCaller:
    user: CurrentUser
    headers: dict[str, str]
    instance_id: int

    def body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "Black Friday",
            "instanceId": self.instance_id,
            "message": "Hello {{name|there}}!",
            "rateLimit": 20,
            "recipients": [{"phone": phone, "variables": {"name": f"N{i}"}} for i, phone in enumerate(PHONES)],
        }
        body.update(changes)
        return body


async def api_caller(make_user: Any) -> ApiCaller:
    user = await make_user()
    token = await create_api_token(user.id, "tests", now=NOW)
    instance = await make_instance(user.id)
    return ApiCaller(user=user, headers={"Authorization": f"Bearer {token}"}, instance_id=instance.id)


def error_fields(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    return {error["field"]: error["message"] for error in response.json()["errors"]}
