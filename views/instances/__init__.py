"""Instances (WhatsApp numbers): the pages and HTMX fragments (`pages`) and `/api/instances` (`api`)."""

from views.instances.api import InstanceApi
from views.instances.pages import InstancePages

CONTROLLERS = [InstancePages, InstanceApi]

__all__ = ["CONTROLLERS"]
