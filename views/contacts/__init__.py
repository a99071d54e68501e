"""Contacts and lists: the pages (`pages`), the import wizard into a list (`list_import`), and `/api/contacts`,
`/api/lists` (`api`)."""

from views.contacts.api import ContactApi, ListApi
from views.contacts.list_import import ListImportPages
from views.contacts.pages import ContactPages, ListPages

CONTROLLERS = [ContactPages, ListPages, ListImportPages, ContactApi, ListApi]

__all__ = ["CONTROLLERS"]
