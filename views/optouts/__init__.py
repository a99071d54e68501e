"""Opt-outs: the page (`pages`) and `/api/opt-outs` (`api`)."""

from views.optouts.api import OptOutApi
from views.optouts.pages import OptOutPages

CONTROLLERS = [OptOutPages, OptOutApi]

__all__ = ["CONTROLLERS"]
