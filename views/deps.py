"""Dependencies every controller can ask for by name."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from models.accounts.users import CurrentUser
from scheduler.clock import Clock
from scheduler.evolution import EvolutionClient
from settings import Settings


async def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


async def provide_clock(state: State) -> Clock:
    clock: Clock = state.clock
    return clock


async def provide_current_user(request: Request[Any, Any, Any]) -> CurrentUser:
    """The signed-in user; routes asking for it are behind `requires_login`."""
    user: CurrentUser = request.user
    return user


async def provide_evolution(state: State) -> EvolutionClient:
    """The app's pooled Evolution client (opened in `evolution_lifespan`)."""
    client: EvolutionClient = state.evolution
    return client
