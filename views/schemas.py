"""JSON shapes of the API (msgspec Structs, camelCase on the wire as in the original system)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import MISSING, Field, fields, replace
from datetime import datetime
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import msgspec
from litestar.exceptions import (
    ClientException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from msgspec import UNSET, UnsetType

from models.campaigns.rules import CampaignInput
from models.errors import N_, ValidationFailed
from models.tables import Campaign, MessageTemplate
from views.bounds import INT_MAX, INT_MIN
from views.i18n import stored

# Every JSON integer fits the database's 64 bits (a larger one is a 400, never a 500); the domain's own ranges
# (rate, retries, caps) are checked by the rules with field-level messages and declared by views/openapi.py.
BoundedInt = Annotated[int, msgspec.Meta(ge=INT_MIN, le=INT_MAX)]
PHONE_DIGITS_MAX = 10**15 - 1  # E.164: at most 15 digits
PhoneDigits = Annotated[int, msgspec.Meta(ge=0, le=PHONE_DIGITS_MAX)]
MAX_CAMPAIGN_LISTS = 100  # each id is looked up on its own: the request stays small
ListIds = Annotated[list[Annotated[int, msgspec.Meta(ge=1, le=INT_MAX)]], msgspec.Meta(max_length=MAX_CAMPAIGN_LISTS)]


class Conflict(ClientException):
    """409: the current status does not allow it (raised as domain errors; named here for the schema)."""

    status_code = 409


# What each kind of route can answer besides success, for `raises=` (the OpenAPI schema lists them).
SIGNED_IN: list[type[ClientException]] = [NotAuthorizedException]
INPUT = [*SIGNED_IN, ValidationException]
ONE = [*INPUT, NotFoundException]
CHANGE = [*ONE, Conflict]
ADMIN = [*SIGNED_IN, PermissionDeniedException]  # 403 for a signed-in user who is no admin
ADMIN_INPUT = [*ADMIN, ValidationException]
ADMIN_ONE = [*ADMIN_INPUT, NotFoundException]
ADMIN_CHANGE = [*ADMIN_ONE, Conflict]

LIST_FIELDS = frozenset({"list_ids", "exclude_list_ids"})


class SendWindowIn(msgspec.Struct, forbid_unknown_fields=True):
    """`sendWindow`: the days a span starts on and its local start and end ("HH:MM"); the rules name what is wrong."""

    days: Annotated[list[Annotated[str, msgspec.Meta(max_length=10)]], msgspec.Meta(max_length=7)]
    start: Annotated[str, msgspec.Meta(max_length=10)]
    end: Annotated[str, msgspec.Meta(max_length=10)]

    def as_dict(self) -> dict[str, Any]:
        return {"days": list(self.days), "start": self.start, "end": self.end}


ZoneName = Annotated[str, msgspec.Meta(max_length=64)]


def _window(value: SendWindowIn | None) -> dict[str, Any] | None:
    return None if value is None else value.as_dict()


async def strict_switches(request: Any, *names: str) -> None:
    """Litestar reads bodies leniently (0 becomes false): a switch must be JSON true, false or null, as declared."""
    body = await request.json()
    wrong = [
        name
        for name in names
        if isinstance(body, dict) and body.get(name) is not None and not isinstance(body.get(name), bool)
    ]
    if wrong:
        raise ValidationFailed({name: N_("Give true or false.") for name in wrong})


class RecipientIn(msgspec.Struct, forbid_unknown_fields=True):
    phone: str | PhoneDigits
    variables: dict[str, Any] = {}


# The domain's types in their JSON form: integers within the database's, ids as a bounded list, the window a Struct.
_WIRE_TYPES: dict[Any, Any] = {int: BoundedInt, tuple[int, ...]: ListIds, dict[str, Any]: SendWindowIn}


def _wire(hint: Any) -> Any:
    if get_origin(hint) in (Union, UnionType):
        return Union[tuple(_wire(arm) for arm in get_args(hint))]  # noqa: UP007 (built from parts)
    return _WIRE_TYPES.get(hint, hint)


def _wire_fields(domain: type, **own_types: Any) -> list[tuple[str, Any, Any]]:
    """The domain dataclass's fields in their JSON form (`own_types`: a field's own); a field the domain requires
    defaults to empty (null, or "") so that the rules name it, as the pages do."""
    hints = get_type_hints(domain)
    return [
        (field.name, own_types.get(field.name, _wire(hints[field.name])), _default(field, hints[field.name]))
        for field in fields(domain)
    ]


def _default(field: Field[Any], hint: Any) -> Any:
    if field.default is not MISSING:
        return field.default
    return None if type(None) in get_args(hint) else hint()


# A new campaign: what a user may set on one (models/campaigns/rules.py), and the audience (recipients, lists).
_CampaignFields = msgspec.defstruct(
    "CampaignFields",
    [
        *_wire_fields(CampaignInput, timezone=ZoneName),  # the window's zone; empty: the user's
        ("recipients", list[RecipientIn], []),
        ("list_ids", ListIds, []),  # lists to send to (may stand in for recipients); frozen into messages at Start
        ("exclude_list_ids", ListIds, []),  # lists whose numbers are left out
    ],
    rename="camel",
    forbid_unknown_fields=True,
)


class CampaignCreate(_CampaignFields):  # type: ignore[misc,valid-type]
    """Missing text fields default to empty so the domain rules name them (`name`: required) like the pages do."""

    def as_input(self) -> CampaignInput:
        given = {field.name: getattr(self, field.name) for field in fields(CampaignInput)}
        return CampaignInput(
            **{**given, "instance_ids": _ids(self.instance_ids), "send_window": _window(self.send_window)}
        )


def _changes(struct: type[msgspec.Struct], *, leave_out: set[str], never_null: set[str]) -> type[msgspec.Struct]:
    """`struct`'s fields, each of them optional: a field left out is UNSET (it keeps its value). A field stays
    nullable where null clears the value, not where null only meant "not given" when creating (`never_null`)."""
    hints = get_type_hints(struct, include_extras=True)
    changes = [
        (name, (_not_null(hints[name]) if name in never_null else hints[name]) | UnsetType, UNSET)
        for name in struct.__struct_fields__
        if name not in leave_out
    ]
    return msgspec.defstruct(f"{struct.__name__}Changes", changes, rename="camel", forbid_unknown_fields=True)


def _not_null(hint: Any) -> Any:
    return Union[tuple(arm for arm in get_args(hint) if arm is not type(None))]  # noqa: UP007 (built from parts)


# The recipients are added through their own endpoint; null would not clear the numbers (a campaign always has one).
# A base built at import is opaque to mypy (hence the ignore): CampaignUpdate's attributes are CampaignCreate's.
_CampaignChanges = _changes(CampaignCreate, leave_out={"recipients"}, never_null={"instance_id", "instance_ids"})


class CampaignUpdate(_CampaignChanges):  # type: ignore[misc,valid-type]
    """Only the fields sent change; `scheduledFor: null` clears the schedule (back to DRAFT)."""

    def merged_into(self, campaign: Campaign) -> CampaignInput:
        sent = {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not UNSET}
        sent = {f: v for f, v in sent.items() if f not in LIST_FIELDS}
        if "instance_ids" in sent:
            sent["instance_ids"] = _ids(sent["instance_ids"])
        if "send_window" in sent:
            sent["send_window"] = _window(sent["send_window"])
        return replace(CampaignInput.of(campaign), **sent)

    def lists(self) -> tuple[list[int] | None, list[int] | None]:
        """(listIds, excludeListIds) as sent; None for a side left out (it keeps its value)."""
        include, exclude = self.list_ids, self.exclude_list_ids
        return (None if include is UNSET else include, None if exclude is UNSET else exclude)


def _ids(values: list[int] | None) -> tuple[int, ...] | None:
    return None if values is None else tuple(values)


class TemplateWrite(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: str = ""
    body: str = ""
    media_url: str = ""
    media_type: str = ""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def listing_json(items: Iterable[dict[str, Any]], total: int, **paging: int) -> dict[str, Any]:
    """A list answer: its items, how many match in all, and where this page is (`limit`/`offset` or `page`/`pages`)."""
    return {"items": list(items), "total": total, **paging}


def campaign_json(campaign: Campaign, numbers: list[int] | None = None) -> dict[str, Any]:
    """A campaign as the original system's API shows it; `numbers` are its `instanceIds` (default: the one)."""
    return {
        "id": campaign.id,
        "name": campaign.name,
        "status": campaign.status,
        "instanceId": campaign.instance,
        "instanceIds": numbers if numbers is not None else [i for i in (campaign.instance,) if i is not None],
        "templateId": campaign.template,
        "message": campaign.message,
        "mediaUrl": campaign.media_url or None,
        "mediaType": campaign.media_type or None,
        "mediaFilename": campaign.media_filename or None,
        "scheduledFor": _iso(campaign.scheduled_for),
        "startedAt": _iso(campaign.started_at),
        "completedAt": _iso(campaign.completed_at),
        "totalRecipients": campaign.total_recipients,
        "pendingCount": campaign.pending_count,
        "sentCount": campaign.sent_count,
        "deliveredCount": campaign.delivered_count,
        "readCount": campaign.read_count,
        "repliedCount": campaign.replied_count,
        "failedCount": campaign.failed_count,
        "skippedCount": campaign.skipped_count,
        "rateLimit": campaign.rate_limit,
        "maxRetries": campaign.max_retries,
        "precheck": campaign.precheck,
        "pauseReason": stored(campaign.pause_reason) or None,  # in the request's language
        "sendWindow": json.loads(campaign.send_window) if campaign.send_window else None,
        "timezone": campaign.timezone or None,  # null: the owner's (campaigns made before the field)
        "expiresAt": _iso(campaign.expires_at),
        "frequencyCapHours": campaign.frequency_cap_hours,
        "waitingReason": None,  # filled for a RUNNING campaign that cannot send now (views/campaigns/audience.py)
        "waitingUntil": None,
        "createdAt": _iso(campaign.created_at),
        "updatedAt": _iso(campaign.updated_at),
    }


def template_json(template: MessageTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "body": template.body,
        "mediaUrl": template.media_url or None,
        "mediaType": template.media_type or None,
        "createdAt": _iso(template.created_at),
        "updatedAt": _iso(template.updated_at),
    }
