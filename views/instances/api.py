"""JSON API for instances: `apiKey` is write-only (answers carry `apiKeyLast4`); the webhook secret never leaves."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from models.accounts.users import CurrentUser
from models.instances import records as instances
from models.instances.overview import InstanceView, get_instance_view, list_instances
from scheduler import instance_setup
from scheduler.clock import Clock
from scheduler.evolution import EvolutionClient
from settings import Settings
from views.guards import requires_login
from views.schemas import CHANGE, ONE, SIGNED_IN, BoundedInt

EDITABLE = ("name", "server_url", "instance_name", "rate_per_minute", "jitter_percent", "daily_cap")


class InstanceInput(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """PUT changes only the fields given (null or absent keeps the stored value)."""

    name: str | None = None
    server_url: str | None = None
    api_key: str | None = None
    instance_name: str | None = None
    rate_per_minute: BoundedInt | None = None
    jitter_percent: BoundedInt | None = None
    daily_cap: BoundedInt | None = None

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
        "state": view.state,
        "stateReason": view.state_reason,
        "phoneNumber": view.phone_number,
        "webhookRegistered": view.webhook_registered,
        "sentToday": view.sent_today,
        "campaignsUsing": view.campaigns_using,
        "createdAt": view.created_at.isoformat(),
        "updatedAt": view.updated_at.isoformat(),
    }
    if warning:
        body["warning"] = warning
    return body


class InstanceApi(Controller):
    path = "/api/instances"
    guards = [requires_login]
    tags = ["instances"]

    @get("/", name="api_instance_list", raises=SIGNED_IN)
    async def list_(self, current_user: NamedDependency[CurrentUser], clock: NamedDependency[Clock]) -> list[Any]:
        return [instance_json(view) for view in await list_instances(current_user.id, clock.now().date())]

    @get("/{instance_id:int}", name="api_instance_detail", raises=ONE)
    async def detail(
        self, instance_id: FromPath[int], current_user: NamedDependency[CurrentUser], clock: NamedDependency[Clock]
    ) -> dict[str, Any]:
        return instance_json(await get_instance_view(instance_id, current_user.id, clock.now().date()))

    @post("/", name="api_instance_create", raises=ONE, status_code=201)
    async def create(
        self,
        data: JSONBody[InstanceCreate],
        current_user: NamedDependency[CurrentUser],
        evolution: NamedDependency[EvolutionClient],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """400 for a bad field, a refused key or an unknown instance; an unreachable server saves with a warning."""
        saved = await instance_setup.save_instance(
            evolution, data.given(), owner_id=current_user.id, instance_id=None,
            base_url=settings.base_url, max_rate=settings.max_rate, now=clock.now(),
        )  # fmt: skip
        view = await get_instance_view(int(saved.instance.id), current_user.id, clock.now().date())
        return instance_json(view, saved.warning)

    @put("/{instance_id:int}", name="api_instance_update", raises=ONE)
    async def update(
        self,
        instance_id: FromPath[int],
        data: JSONBody[InstanceInput],
        current_user: NamedDependency[CurrentUser],
        evolution: NamedDependency[EvolutionClient],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        current = await get_instance_view(instance_id, current_user.id, clock.now().date())
        merged = {**{field: getattr(current, field) for field in EDITABLE}, **data.given()}
        saved = await instance_setup.save_instance(
            evolution, merged, owner_id=current_user.id, instance_id=instance_id,
            base_url=settings.base_url, max_rate=settings.max_rate, now=clock.now(),
        )  # fmt: skip
        return instance_json(await get_instance_view(instance_id, current_user.id, clock.now().date()), saved.warning)

    @delete("/{instance_id:int}", name="api_instance_delete", raises=CHANGE, status_code=204)
    async def delete_(self, instance_id: FromPath[int], current_user: NamedDependency[CurrentUser]) -> None:
        """409 while an unfinished campaign uses the instance."""
        await instances.delete_instance(instance_id, current_user.id)

    @post("/{instance_id:int}/check", name="api_instance_check", raises=ONE, status_code=200)
    async def check(
        self,
        instance_id: FromPath[int],
        current_user: NamedDependency[CurrentUser],
        evolution: NamedDependency[EvolutionClient],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> dict[str, Any]:
        """Refresh the connection state through Evolution (and register the webhook if it is missing)."""
        warning = await instance_setup.check_instance(
            evolution, instance_id, current_user.id, base_url=settings.base_url, now=clock.now()
        )
        return instance_json(await get_instance_view(instance_id, current_user.id, clock.now().date()), warning)
