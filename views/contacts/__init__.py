"""Contacts and lists: the pages (`pages`), the import wizard into a list (`list_import`), and `/api/contacts`,
`/api/lists`, `/api/lists/{id}/contacts` (`api`)."""

from views.contacts.api import ContactApi, ListApi, ListContactsApi
from views.contacts.list_import import ListImportPages
from views.contacts.pages import ContactPages, ListPages

CONTROLLERS = [ContactPages, ListPages, ListImportPages, ContactApi, ListApi, ListContactsApi]

__all__ = ["CONTROLLERS"]
