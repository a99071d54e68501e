"""Dependencies every controller can ask for by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from models.accounts.users import CurrentUser
from scheduler.clock import Clock
from scheduler.evolution import EvolutionClient
from settings import Settings

T = TypeVar("T")

AnyRequest = Request[Any, Any, Any]
"""A handler's request when the handler needs no typed user, auth or state from it."""
SignedInUser = NamedDependency[CurrentUser]
"""`current_user: SignedInUser` in a handler: the user `provide_current_user` gives (routes behind a login guard)."""
AppClock = NamedDependency[Clock]
"""`clock: AppClock`: the app's injectable clock (`provide_clock`)."""
AppSettings = NamedDependency[Settings]
"""`settings: AppSettings`: the settings the app was built with (`provide_settings`)."""


def kept_in_app(state: State, name: str, make: Callable[[], T]) -> T:
    """One per app, made on first use and kept in its state under `name`: never at module level, so each app (and
    each test) starts empty."""
    if name not in state:
        state[name] = make()
    kept: T = state[name]
    return kept


async def provide_settings(state: State) -> Settings:
    return cast(Settings, state.settings)


async def provide_clock(state: State) -> Clock:
    return cast(Clock, state.clock)


async def provide_current_user(request: AnyRequest) -> CurrentUser:
    """The signed-in user; routes asking for it are behind `requires_login`."""
    return cast(CurrentUser, request.user)


async def provide_evolution(state: State) -> EvolutionClient:
    """The app's pooled Evolution client (opened in `evolution_lifespan`)."""
    return cast(EvolutionClient, state.evolution)
