"""A user's contacts: unique by E.164 number, with attributes (the import's columns) and tags.

Deleting a contact (`removal.delete_contact`) keeps the campaigns' records whole but anonymous.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.query import WhereRaw

from models.errors import N_, Message, ValidationFailed
from models.ownership import get_own
from models.phones import PhoneError, normalise
from models.spreadsheet import PhoneCell, csv_text
from models.tables import Contact, ListMember
from models.variables import OBJECT_OF_NAMES

MAX_LIMIT = 200
MAX_TAGS = 20
MAX_ATTRIBUTES = 50
MAX_VALUE_LENGTH = 1000
MAX_SEARCH = 100
EXPORT_LIMIT = 100_000
_TAG = re.compile(r"[a-z0-9_-]{1,40}")


def parse_tags(raw: str | list[str]) -> list[str]:
    """Tags from "a, b c" or ["a", "b"]: lower case letters, digits, _ and -; ValidationFailed otherwise."""
    words = raw.replace(",", " ").split() if isinstance(raw, str) else [str(t).strip() for t in raw]
    tags = list(dict.fromkeys(word.lower() for word in words if word))
    bad = [tag for tag in tags if not _TAG.fullmatch(tag)]
    if bad:
        raise ValidationFailed(
            {"tags": Message(N_("“%(bad)s” is not a tag: use letters, digits, _ and - (at most 40)."), bad=bad[0])}
        )
    if len(tags) > MAX_TAGS:
        raise ValidationFailed({"tags": Message(N_("At most %(limit)s tags per contact."), limit=MAX_TAGS)})
    return tags


def stored_tags(tags: list[str]) -> str:
    """ " a b " (spaces around every tag), so `LIKE '% a %'` finds a whole tag and nothing else."""
    return f" {' '.join(tags)} " if tags else ""


def tag_list(stored: str) -> list[str]:
    return stored.split()


def checked_attributes(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValidationFailed({"attributes": OBJECT_OF_NAMES})
    if len(raw) > MAX_ATTRIBUTES:
        raise ValidationFailed({"attributes": Message(N_("At most %(limit)s attributes."), limit=MAX_ATTRIBUTES)})
    values = {str(k).strip(): "" if v is None else str(v) for k, v in raw.items()}
    if any(not k or len(k) > 100 or len(v) > MAX_VALUE_LENGTH for k, v in values.items()):
        raise ValidationFailed(
            {
                "attributes": Message(
                    N_("Names of 1-100 characters, values of at most %(limit)s."), limit=MAX_VALUE_LENGTH
                )
            }
        )
    return values


@dataclass(frozen=True, slots=True)
class ContactFilter:
    """The contacts page's and API's filters: a search in the number or attributes, a tag, a list."""

    search: str = ""
    tag: str = ""
    list_id: int | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ContactPage:
    items: list[Contact]
    total: int


def contact_json(contact: Contact) -> dict[str, Any]:
    attributes = contact.attributes
    return {
        "id": contact.id,
        "phone": contact.phone,
        "attributes": json.loads(attributes) if isinstance(attributes, str) else attributes,
        "tags": tag_list(contact.tags),
        "createdAt": contact.created_at.isoformat(),
        "updatedAt": contact.updated_at.isoformat(),
    }


def _where(owner_id: int, query: ContactFilter) -> Any:
    where: Any = Contact.owner == owner_id
    search = query.search.strip()[:MAX_SEARCH]
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        found: Any = WhereRaw("LOWER(CAST(attributes AS TEXT)) LIKE {}", f"%{_escaped(search).lower()}%")
        if digits:
            found |= Contact.phone.like(f"%{digits}%")
        where &= found
    if query.tag.strip():
        where &= _has_tag(query.tag)
    if query.list_id is not None:
        members = ListMember.select(ListMember.contact).where(ListMember.contact_list == query.list_id)
        where &= Contact.id.is_in(members)
    return where


def _has_tag(raw: str) -> Any:
    """A filter, not an input: what cannot be a tag is on no contact (an empty page, not a 400)."""
    try:
        tags = parse_tags(raw)
    except ValidationFailed:
        return WhereRaw("1 = 0")
    return Contact.tags.like(f"% {tags[0]} %") if tags else WhereRaw("1 = 1")


def _escaped(text: str) -> str:
    """LIKE's wildcards taken literally are rare in a search; they are dropped rather than escaped per engine."""
    return text.replace("%", "").replace("_", "")


async def list_contacts(owner_id: int, query: ContactFilter) -> ContactPage:
    """One page of the user's contacts matching the filter, newest change first, and the count of all matches."""
    where = _where(owner_id, query)
    limit = max(1, min(query.limit, MAX_LIMIT))
    items = (
        await Contact.objects()
        .where(where)
        .order_by(Contact.updated_at, Contact.id, ascending=False)
        .limit(limit)
        .offset(max(0, query.offset))
    )
    return ContactPage(items=list(items), total=int(await Contact.count().where(where)))


async def get_contact(contact_id: int, *, owner_id: int) -> Contact:
    return await get_own(Contact, contact_id, owner_id, label="Contact")


async def create_contact(
    phone: str, *, owner_id: int, attributes: Any, tags: str | list[str], region: str, now: datetime
) -> Contact:
    """One contact typed in (or sent by the API); a number already kept is a 400 naming it."""
    try:
        number = normalise(phone, region)
    except PhoneError as exc:
        raise ValidationFailed({"phone": exc.reason}) from None
    if await Contact.exists().where((Contact.owner == owner_id) & (Contact.phone == number)):
        raise ValidationFailed({"phone": Message(N_("%(number)s is already a contact."), number=number)})
    contact = Contact(
        owner=owner_id,
        phone=number,
        attributes=json.dumps(checked_attributes(attributes), ensure_ascii=False),
        tags=stored_tags(parse_tags(tags)),
        created_at=now,
        updated_at=now,
    )
    await contact.save()
    return contact


async def update_contact(
    contact_id: int, *, owner_id: int, attributes: Any | None, tags: str | list[str] | None, now: datetime
) -> Contact:
    """Attributes and tags as given (None keeps them); the number is the contact's identity and does not change."""
    await get_contact(contact_id, owner_id=owner_id)
    changes: dict[Any, Any] = {Contact.updated_at: now}
    if attributes is not None:
        changes[Contact.attributes] = json.dumps(checked_attributes(attributes), ensure_ascii=False)
    if tags is not None:
        changes[Contact.tags] = stored_tags(parse_tags(tags))
    await Contact.update(changes).where((Contact.id == contact_id) & (Contact.owner == owner_id))
    return await get_contact(contact_id, owner_id=owner_id)


async def export_csv(owner_id: int, query: ContactFilter) -> str:
    """The matching contacts as a CSV (phone, tags, then every attribute name met), ready to import again."""
    rows = (
        await Contact.select(Contact.phone, Contact.tags, Contact.attributes)
        .where(_where(owner_id, query))
        .order_by(Contact.id)
        .limit(EXPORT_LIMIT)
    )
    decoded = [(r["phone"], r["tags"], _attributes(r["attributes"])) for r in rows]
    names = list(dict.fromkeys(name for _, _, attrs in decoded for name in attrs))
    lines = [
        [PhoneCell(f"+{phone}"), " ".join(tag_list(tags)), *(attrs.get(n, "") for n in names)]
        for phone, tags, attrs in decoded
    ]
    return csv_text([["phone", "tags", *names], *lines])


def _attributes(value: Any) -> dict[str, str]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return {str(k): str(v) for k, v in (loaded or {}).items()}
