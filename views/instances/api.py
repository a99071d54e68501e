"""JSON API for instances: `apiKey` is write-only (answers carry `apiKeyLast4`); the webhook secret never leaves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from models.instances import records as instances
from models.instances.overview import InstanceView
from models.money import money_text
from views.deps import SignedInUser
from views.guards import SignedInApi
from views.i18n import say
from views.instances.deps import OWN_INSTANCES, OwnInstances
from views.schemas import CHANGE, ONE, SIGNED_IN, BoundedInt, strict_switches


class InstanceInput(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """PUT changes only the fields given (null or absent keeps the stored value)."""

    name: str | None = None
    server_url: str | None = None
    api_key: str | None = None
    instance_name: str | None = None
    rate_per_minute: BoundedInt | None = None
    jitter_percent: BoundedInt | None = None
    daily_cap: BoundedInt | None = None
    cost_per_message: Decimal | None = None  # a decimal string ("0.0450") or a JSON number, read exactly
    warmup: bool | None = None  # the daily cap ramps up with the number's age (ARAUTO_WARMUP_SCHEDULE)
    warmup_started_at: date | None = None  # turning warm-up on without it starts it today

    def given(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in self.__struct_fields__ if getattr(self, field) is not None}


class InstanceCreate(InstanceInput, forbid_unknown_fields=True):
    """POST: name, serverUrl, apiKey and instanceName are required (the schema says so; the rules check them)."""


def instance_json(view: InstanceView, warning: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": view.id,
        "name": view.name,
        "serverUrl": view.server_url,
        "apiKeyLast4": view.api_key_hint.removeprefix(instances.MASK),
        "instanceName": view.instance_name,
        "ratePerMinute": view.rate_per_minute,
        "jitterPercent": view.jitter_percent,
        "dailyCap": view.daily_cap,
        "costPerMessage": money_text(view.cost_per_message),
        "state": view.state,
        "stateReason": view.state_reason,
        "phoneNumber": view.phone_number,
        "webhookRegistered": view.webhook_registered,
        "sentToday": view.sent_today,
        "warmup": view.warmup,
        "warmupStartedAt": view.warmup_started_at.isoformat() if view.warmup_started_at else None,
        "capToday": view.cap.cap,
        "capTodayReason": say(view.cap.explain()),
        "campaignsUsing": view.campaigns_using,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }
    if warning:
        body["warning"] = warning
    return body


class InstanceApi(SignedInApi):
    path = "/api/instances"
    tags = ["instances"]
    dependencies = OWN_INSTANCES

    @get("/", name="api_instance_list", raises=SIGNED_IN)
    async def list_(self, own_instances: NamedDependency[OwnInstances]) -> list[Any]:
        return [instance_json(view) for view in await own_instances.all()]

    @get("/{instance_id:int}", name="api_instance_detail", raises=ONE)
    async def detail(self, instance_id: FromPath[int], own_instances: NamedDependency[OwnInstances]) -> dict[str, Any]:
        return instance_json(await own_instances.view(instance_id))

    @post("/", name="api_instance_create", raises=ONE, status_code=201)
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[InstanceCreate],
        own_instances: NamedDependency[OwnInstances],
    ) -> dict[str, Any]:
        """400 for a bad field, a refused key or an unknown instance; an unreachable server saves with a warning."""
        await strict_switches(request, "warmup")
        saved = await own_instances.save(data.given())
        return instance_json(await own_instances.view(int(saved.instance.id)), saved.warning)

    @put("/{instance_id:int}", name="api_instance_update", raises=ONE)
    async def update(
        self,
        request: Request[Any, Any, Any],
        instance_id: FromPath[int],
        data: JSONBody[InstanceInput],
        own_instances: NamedDependency[OwnInstances],
    ) -> dict[str, Any]:
        """Fields left out keep their value."""
        await strict_switches(request, "warmup")
        current = await own_instances.view(instance_id)
        merged = {**{field: getattr(current, field) for field in instances.SETTINGS}, **data.given()}
        saved = await own_instances.save(merged, instance_id)
        return instance_json(await own_instances.view(instance_id), saved.warning)

    @delete("/{instance_id:int}", name="api_instance_delete", raises=CHANGE, status_code=204)
    async def delete_(self, instance_id: FromPath[int], current_user: SignedInUser) -> None:
        """409 while an unfinished campaign uses the instance."""
        await instances.delete_instance(instance_id, current_user.id)

    @post("/{instance_id:int}/check", name="api_instance_check", raises=ONE, status_code=200)
    async def check(self, instance_id: FromPath[int], own_instances: NamedDependency[OwnInstances]) -> dict[str, Any]:
        """Refresh the connection state through Evolution (and register the webhook if it is missing)."""
        warning = await own_instances.check(instance_id)
        return instance_json(await own_instances.view(instance_id), warning)
