"""Contacts and lists: the pages (`pages`) and `/api/contacts`, `/api/lists` (`api`)."""

from views.contacts.api import ContactApi, ListApi
from views.contacts.pages import ContactPages, ListPages

CONTROLLERS = [ContactPages, ListPages, ContactApi, ListApi]

__all__ = ["CONTROLLERS"]
