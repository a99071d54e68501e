"""JSON API for contacts (`/api/contacts`) and lists (`/api/lists`; import and members: `/api/lists/{id}/contacts`)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from models.contacts import contacts, lists, removal
from models.contacts.contacts import MAX_ATTRIBUTES, MAX_LIMIT, MAX_TAGS, ContactFilter, contact_json
from models.contacts.history import contact_history
from views.bounds import INT_MAX
from views.contacts.list_import import list_import_mode, list_target
from views.deps import AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi
from views.import_api import ImportApi
from views.schemas import CHANGE, INPUT, ONE, SIGNED_IN, listing_json

Limit = Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, QueryParameter(name="offset", ge=0, le=INT_MAX)]
Search = Annotated[str, QueryParameter(name="search", max_length=100)]
Tag = Annotated[str, QueryParameter(name="tag", max_length=40)]


# An attribute is a scalar (stored as its text); at most MAX_ATTRIBUTES of them and MAX_TAGS tags per contact.
Attributes = Annotated[dict[str, str | int | float | bool | None], msgspec.Meta(max_length=MAX_ATTRIBUTES)]
Tags = Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=MAX_TAGS)]


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    phone: Annotated[str, msgspec.Meta(max_length=64)]
    attributes: Attributes = {}
    tags: Tags = []


class ContactUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out keep their value."""

    attributes: Attributes | None = None
    tags: Tags | None = None


class ListIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=lists.MAX_NAME_LENGTH)] = ""


async def _contacts_page(owner_id: int, query: ContactFilter) -> dict[str, Any]:
    """One page of the user's contacts matching `query`; a list it names must be theirs (404 otherwise)."""
    if query.list_id is not None:
        await lists.get_list(query.list_id, owner_id=owner_id)
    page = await contacts.list_contacts(owner_id, query)
    return listing_json([contact_json(c) for c in page.items], page.total, limit=query.limit, offset=query.offset)


class ContactApi(SignedInApi):
    path = "/api/contacts"
    tags = ["contacts"]

    @get("/", name="api_contact_list", raises=ONE)
    async def list_(
        self,
        current_user: SignedInUser,
        search: Search = "",
        tag: Tag = "",
        list_id: Annotated[int | None, QueryParameter(name="listId", ge=1, le=INT_MAX)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Search by number or attribute, filter by tag or list."""
        query = ContactFilter(search=search, tag=tag, list_id=list_id, limit=limit, offset=offset)
        return await _contacts_page(current_user.id, query)

    @post("/", name="api_contact_create", raises=INPUT, status_code=HTTP_201_CREATED)
    async def create(
        self, data: JSONBody[ContactIn], current_user: SignedInUser, settings: AppSettings, clock: AppClock
    ) -> dict[str, Any]:
        contact = await contacts.create_contact(
            data.phone,
            owner_id=current_user.id,
            attributes=data.attributes,
            tags=data.tags,
            region=settings.default_region,
            now=clock.now(),
        )
        return contact_json(contact)

    @get("/{contact_id:int}", name="api_contact_detail", raises=ONE)
    async def detail(self, contact_id: FromPath[int], current_user: SignedInUser) -> dict[str, Any]:
        return contact_json(await contacts.get_contact(contact_id, owner_id=current_user.id))

    @get("/{contact_id:int}/history", name="api_contact_history", raises=ONE)
    async def history(self, contact_id: FromPath[int], current_user: SignedInUser) -> dict[str, Any]:
        """The campaigns that wrote to the number, each message's status and times, and its opt-out."""
        return await contact_history(contact_id, owner_id=current_user.id)

    @put("/{contact_id:int}", name="api_contact_update", raises=ONE)
    async def update(
        self, contact_id: FromPath[int], data: JSONBody[ContactUpdate], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        contact = await contacts.update_contact(
            contact_id, owner_id=current_user.id, attributes=data.attributes, tags=data.tags, now=clock.now()
        )
        return contact_json(contact)

    @delete("/{contact_id:int}", name="api_contact_delete", raises=CHANGE)
    async def delete(self, contact_id: FromPath[int], current_user: SignedInUser) -> None:
        """204; campaigns that wrote to the number keep their records."""
        await removal.delete_contact(contact_id, owner_id=current_user.id)


class ListApi(SignedInApi):
    path = "/api/lists"
    tags = ["lists"]

    @get("/", name="api_list_list", raises=SIGNED_IN)
    async def list_(self, current_user: SignedInUser) -> dict[str, Any]:
        items = await lists.list_lists(owner_id=current_user.id)
        return {"items": [item.as_json() for item in items], "total": len(items)}

    @post("/", name="api_list_create", raises=INPUT, status_code=HTTP_201_CREATED)
    async def create(self, data: JSONBody[ListIn], current_user: SignedInUser, clock: AppClock) -> dict[str, Any]:
        row = await lists.create_list(data.name, owner_id=current_user.id, now=clock.now())
        return await self._summary(row.id, current_user.id)

    @get("/{list_id:int}", name="api_list_detail", raises=ONE)
    async def detail(self, list_id: FromPath[int], current_user: SignedInUser) -> dict[str, Any]:
        return await self._summary(list_id, current_user.id)

    @put("/{list_id:int}", name="api_list_update", raises=ONE)
    async def update(
        self, list_id: FromPath[int], data: JSONBody[ListIn], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        await lists.rename_list(list_id, data.name, owner_id=current_user.id, now=clock.now())
        return await self._summary(list_id, current_user.id)

    @delete("/{list_id:int}", name="api_list_delete", raises=ONE)
    async def delete(self, list_id: FromPath[int], current_user: SignedInUser) -> None:
        """204; the contacts stay (they may be in other lists)."""
        await lists.delete_list(list_id, owner_id=current_user.id)

    @staticmethod
    async def _summary(list_id: int, owner_id: int) -> dict[str, Any]:
        row = await lists.get_list(list_id, owner_id=owner_id)
        return lists.ListSummary(
            row.id, row.name, await lists.member_count(row.id), row.created_at, row.updated_at
        ).as_json()


class ListContactsApi(ImportApi, name="api_list_import", raises=ONE):
    """A list's contacts: import a file into it (views/import_api.py; `mode` add or replace) and page through them."""

    path = "/api/lists/{list_id:int}/contacts"
    tags = ["lists"]
    dependencies = {"target": Provide(list_target), "import_mode": Provide(list_import_mode)}

    @get("/", name="api_list_contacts", raises=ONE)
    async def members(
        self,
        list_id: FromPath[int],
        current_user: SignedInUser,
        search: Search = "",
        tag: Tag = "",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        query = ContactFilter(search=search, tag=tag, list_id=list_id, limit=limit, offset=offset)
        return await _contacts_page(current_user.id, query)
