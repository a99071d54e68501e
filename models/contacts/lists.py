"""Lists: named sets of a user's contacts, each reusable by many campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.campaigns.rules import MAX_NAME_LENGTH as MAX_NAME_LENGTH
from models.campaigns.rules import name_errors
from models.errors import ValidationFailed
from models.ownership import get_own, owned_by
from models.tables import ContactList, ListMember


@dataclass(frozen=True, slots=True)
class ListSummary:
    id: int
    name: str
    members: int
    created_at: datetime
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "contactCount": self.members,
            "createdAt": self.created_at.isoformat(),
            "updatedAt": self.updated_at.isoformat(),
        }


def _checked_name(name: str) -> str:
    name = name.strip()
    if errors := name_errors(name):
        raise ValidationFailed(errors)
    return name


async def create_list(name: str, *, owner_id: int, now: datetime) -> ContactList:
    row = ContactList(owner=owner_id, name=_checked_name(name), created_at=now, updated_at=now)
    await row.save()
    return row


async def get_list(list_id: int, *, owner_id: int) -> ContactList:
    return await get_own(ContactList, list_id, owner_id, label="List")


async def rename_list(list_id: int, name: str, *, owner_id: int, now: datetime) -> ContactList:
    await get_list(list_id, owner_id=owner_id)
    await ContactList.update({ContactList.name: _checked_name(name), ContactList.updated_at: now}).where(
        ContactList.id == list_id
    )
    return await get_list(list_id, owner_id=owner_id)


async def delete_list(list_id: int, *, owner_id: int) -> None:
    """The list and its memberships go; its contacts stay (they may be in other lists)."""
    await get_list(list_id, owner_id=owner_id)
    await ContactList.delete().where((ContactList.id == list_id) & owned_by(ContactList, owner_id))


async def member_count(list_id: int) -> int:
    return int(await ListMember.count().where(ListMember.contact_list == list_id))


async def list_lists(*, owner_id: int) -> list[ListSummary]:
    """Every list of the user with its size, newest first."""
    rows = await ContactList.raw(
        "SELECT l.id, l.name, l.created_at, l.updated_at, "
        "(SELECT COUNT(*) FROM arauto_list_member m WHERE m.contact_list = l.id) AS members "
        "FROM arauto_contact_list l WHERE l.owner = {} ORDER BY l.id DESC",
        owner_id,
    )
    return [ListSummary(r["id"], r["name"], int(r["members"]), r["created_at"], r["updated_at"]) for r in rows]


async def own_list_ids(list_ids: list[int], *, owner_id: int) -> list[int]:
    """`list_ids` when every one is the user's; NotFoundOrNotYours (404) for the first that is not."""
    for list_id in dict.fromkeys(list_ids):
        await get_list(list_id, owner_id=owner_id)
    return list(dict.fromkeys(list_ids))


async def list_names(*, owner_id: int) -> dict[int, str]:
    rows = await ContactList.select(ContactList.id, ContactList.name).where(owned_by(ContactList, owner_id))
    return {int(r["id"]): str(r["name"]) for r in rows}
