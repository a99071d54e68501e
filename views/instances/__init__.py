"""Instances (WhatsApp numbers): the pages and HTMX fragments (`pages`) and `/api/instances` (`api`), which save,
check and show the user's own instances through one dependency (`deps.OwnInstances`)."""

from views.instances.api import InstanceApi
from views.instances.pages import InstancePages

CONTROLLERS = [InstancePages, InstanceApi]

__all__ = ["CONTROLLERS"]
