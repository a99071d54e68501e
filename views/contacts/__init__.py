"""Contacts and lists: the pages (`pages`) and `/api/contacts`, `/api/lists` (`api`)."""

from views.contacts.api import ContactApi, ListApi

CONTROLLERS = [ContactApi, ListApi]

__all__ = ["CONTROLLERS"]
