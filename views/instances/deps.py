"""One dependency for the instance pages and API: save (create or update) and read the user's own instances with
the app's Evolution client, settings and clock, so no handler repeats the save call's wiring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar.di import NamedDependency, Provide

from models.instances.daily_cap import cap_day
from models.instances.overview import InstanceView, get_instance_view, list_instances
from scheduler import instance_setup
from scheduler.clock import Clock
from scheduler.evolution import EvolutionClient
from settings import Settings
from views.deps import AppClock, AppSettings, SignedInUser


@dataclass(frozen=True)
class OwnInstances:
    """The signed-in user's instances, as the handlers save, check and show them."""

    evolution: EvolutionClient
    settings: Settings
    clock: Clock
    owner_id: int

    async def save(self, values: Mapping[str, Any], instance_id: int | None = None) -> instance_setup.Saved:
        """Create (no id) or update; ValidationFailed names the fields, an unreachable server only warns."""
        return await instance_setup.save_instance(
            self.evolution, values, owner_id=self.owner_id, instance_id=instance_id,
            base_url=self.settings.base_url, max_rate=self.settings.max_rate,
            allowed_hosts=self.settings.evolution_host_list, now=self.clock.now(),
        )  # fmt: skip

    async def check(self, instance_id: int) -> str:
        """Refresh the connection state (and the webhook); a warning or ''."""
        return await instance_setup.check_instance(
            self.evolution, instance_id, self.owner_id, base_url=self.settings.base_url, now=self.clock.now()
        )

    async def all(self) -> list[InstanceView]:
        """By name, each with its campaigns in use and today's sends."""
        return await list_instances(self.owner_id, cap_day(self.clock.now()), self.settings.warmup_steps)

    async def view(self, instance_id: int) -> InstanceView:
        """404 (NotFoundOrNotYours) when missing or not the user's."""
        return await get_instance_view(
            instance_id, self.owner_id, cap_day(self.clock.now()), self.settings.warmup_steps
        )


async def provide_own_instances(
    evolution: NamedDependency[EvolutionClient], settings: AppSettings, clock: AppClock, current_user: SignedInUser
) -> OwnInstances:
    return OwnInstances(evolution, settings, clock, current_user.id)


OWN_INSTANCES = {"own_instances": Provide(provide_own_instances)}
