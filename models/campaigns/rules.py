"""The original system's rules for a campaign's fields: each broken rule names its field and the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from models.accounts.profile import get_profile
from models.campaigns.numbers import MAX_NUMBERS
from models.errors import N_, Message, ValidationFailed
from models.ownership import get_own
from models.rendering import MAX_MESSAGE_LENGTH
from models.sending.pacing import frequency_cap_errors, window_errors
from models.statuses import MediaType
from models.tables import Campaign, Instance, MessageTemplate
from models.timezones import is_known_zone

MAX_NAME_LENGTH = 200
MAX_RETRIES_LIMIT = 10
MAX_MEDIA_URL_LENGTH = 2000
MAX_FILE_NAME_LENGTH = 255
# An http(s) URL in printable ASCII without spaces or brackets in the host; the API schema declares the same.
MEDIA_URL_PATTERN = r'^https?://[!"$-.0->@-Z\\^-~]+([/?#][!-~]*)?$'
MEDIA_TYPES = tuple(t.value for t in MediaType)
DEFAULT_RATE = 20
DEFAULT_RETRIES = 3
# A schedule further out is a typo (or a probe): 9999-12-31 cannot even be shown in every time zone.
NUL_REFUSAL = "The text holds a NUL character (\\0), which cannot be stored: remove it."
MAX_SCHEDULE_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class CampaignInput:
    """What a user may set on a campaign (pages and API both build one)."""

    name: str
    instance_id: int | None
    message: str = ""
    template_id: int | None = None
    media_url: str = ""
    media_type: str = ""
    media_filename: str = ""
    rate_limit: int = DEFAULT_RATE
    max_retries: int = DEFAULT_RETRIES
    scheduled_for: datetime | None = None
    precheck: bool = True  # check numbers on WhatsApp before the first send: on for new campaigns
    instance_ids: tuple[int, ...] | None = None  # all its numbers in order (None: `instance_id` alone, or as stored)
    send_window: dict[str, Any] | None = None  # {"days": [...], "start": "09:00", "end": "20:00"}; None = any time
    timezone: str = ""  # the window's IANA zone; '' = the owner's (a new campaign stores the owner's)
    expires_at: datetime | None = None
    frequency_cap_hours: int | None = None  # None = off

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignInput:
        """What is stored now: the base a partial update changes."""
        stored = {name: getattr(campaign, _COLUMN_OF.get(name, name)) for name in _STORED}
        stored["send_window"] = json.loads(campaign.send_window) if campaign.send_window else None
        return cls(**stored)

    def columns(self) -> dict[str, Any]:
        """The input under the campaign table's column names (`instance_ids` is stored apart, as its numbers; the
        send window as JSON text)."""
        values = {_COLUMN_OF.get(name, name): getattr(self, name) for name in _STORED}
        values["send_window"] = json.dumps(self.send_window, separators=(",", ":")) if self.send_window else None
        return values


# The fields a campaign row stores, and the two whose column is named otherwise (a foreign key names its table).
_STORED = tuple(field.name for field in dataclass_fields(CampaignInput) if field.name != "instance_ids")
_COLUMN_OF = {"instance_id": "instance", "template_id": "template"}


async def checked(
    data: CampaignInput,
    *,
    owner_id: int,
    now: datetime,
    max_rate: int,
    stored_schedule: datetime | None = None,
    stored_expiry: datetime | None = None,
) -> CampaignInput:
    """The input with the template's message/media filled in, or ValidationFailed listing every broken rule.

    An instance or template of another user is NotFoundOrNotYours (404), as for any row that is not yours.
    `stored_schedule` (on update) is the time already saved: keeping it unchanged is never refused, even if it
    has just passed and the sweep has not started the campaign yet.
    """
    data = replace(data, name=data.name.strip(), media_url=data.media_url.strip(), media_type=data.media_type.strip())
    if data.template_id is not None:
        data = with_template(data, await get_own(MessageTemplate, data.template_id, owner_id, label="Template"))
    number_problems: dict[str, str] = {}
    if data.instance_ids is not None:
        data, number_problems = replace(data, instance_id=next(iter(data.instance_ids), None)), numbers_errors(data)
    for instance_id in sorted(i for i in {data.instance_id, *(data.instance_ids or ())} if i is not None):
        await get_own(Instance, instance_id, owner_id, label="Instance")
    keeps_schedule = stored_schedule is not None and data.scheduled_for == stored_schedule
    data = replace(data, timezone=data.timezone.strip() or (await get_profile(owner_id)).timezone)
    errors = {
        **pacing_errors(data, now=now, keeps_expiry=stored_expiry is not None and data.expires_at == stored_expiry),
        **name_errors(data.name),
        **message_errors(data.message, has_media=bool(data.media_url)),
        **media_errors(data.media_url, data.media_type, data.media_filename),
        **number_errors(data.rate_limit, data.max_retries, max_rate),
        **({} if keeps_schedule else schedule_errors(data.scheduled_for, now)),
        **nul_errors(_text_fields(data)),
        **number_problems,
    }
    if data.instance_id is None:
        errors["instanceId"] = N_("Choose the instance (WhatsApp number) that sends this campaign.")
    if errors:
        raise ValidationFailed(errors)
    return data


def pacing_errors(data: CampaignInput, *, now: datetime, keeps_expiry: bool = False) -> dict[str, str]:
    """The send window, its time zone, the expiry (after the schedule, in the future) and the frequency cap."""
    errors = {**window_errors(data.send_window), **frequency_cap_errors(data.frequency_cap_hours)}
    if data.timezone and not is_known_zone(data.timezone):
        errors["timezone"] = N_("Unknown time zone: use a name such as America/Sao_Paulo or UTC.")
    expiry = data.expires_at
    if expiry is None:
        return errors
    if expiry.tzinfo is None:
        errors["expiresAt"] = N_("The expiry needs a time zone (for example 2026-01-05T12:00:00Z).")
    elif not keeps_expiry and expiry <= now:
        errors["expiresAt"] = N_("The expiry must be in the future.")
    elif expiry - now > 2 * MAX_SCHEDULE_AHEAD:
        errors["expiresAt"] = N_("The expiry must be within two years from now.")
    elif data.scheduled_for is not None and data.scheduled_for.tzinfo is not None and data.scheduled_for >= expiry:
        errors["scheduledFor"] = N_(
            "The schedule is at or after the expiry: the campaign would expire before it starts."
        )
    return errors


def numbers_errors(data: CampaignInput) -> dict[str, str]:
    """`instanceIds`: one to MAX_NUMBERS numbers, each once."""
    ids = data.instance_ids or ()
    if not 1 <= len(ids) <= MAX_NUMBERS:
        return {"instanceIds": f"Choose from 1 to {MAX_NUMBERS} numbers."}
    if len(set(ids)) != len(ids):
        return {"instanceIds": "Choose each number once."}
    return {}


def _text_fields(data: CampaignInput) -> dict[str, str]:
    """The free-text fields by their API name."""
    texts = (data.name, data.message, data.media_url, data.media_filename)
    return dict(zip(("name", "message", "mediaUrl", "mediaFilename"), texts, strict=True))


def with_template(data: CampaignInput, template: MessageTemplate) -> CampaignInput:
    """A template supplies the message and media the user left empty."""
    if not data.message.strip():
        data = replace(data, message=template.body)
    if not data.media_url and template.media_url:
        data = replace(data, media_url=template.media_url, media_type=template.media_type)
    return data


def name_errors(name: str) -> dict[str, str]:
    """The one rule for a name a user gives (a campaign, a template, a contact list): required, and not too long."""
    if not name:
        return {"name": N_("The name is required.")}
    if len(name) > MAX_NAME_LENGTH:
        return {
            "name": Message(
                N_("The name has %(length)s characters; at most %(limit)s."), length=len(name), limit=MAX_NAME_LENGTH
            )
        }
    return {}


def message_errors(
    message: str,
    *,
    has_media: bool,
    field: str = "message",
    empty: str = N_("Write a message, choose a template, or give a media URL."),
) -> dict[str, str]:
    """The text a campaign or a template sends: something to send (text or media), and not more than WhatsApp takes."""
    if not message.strip() and not has_media:
        return {field: empty}
    if len(message) > MAX_MESSAGE_LENGTH:
        return {
            field: Message(
                N_("The message has %(length)s characters; WhatsApp allows %(limit)s."),
                length=len(message),
                limit=MAX_MESSAGE_LENGTH,
            )
        }
    return {}


def media_errors(url: str, media_type: str, file_name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if url:
        try:
            parsed = urlparse(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: "http://["
            parsed = urlparse("")
        if not url.isascii() or not url.isprintable():
            errors["mediaUrl"] = N_("Write the media URL in printable ASCII (percent-encode other characters).")
        elif parsed.scheme not in ("http", "https") or not re.match(MEDIA_URL_PATTERN, url):
            errors["mediaUrl"] = N_("The media URL must start with http:// or https://.")
        elif len(url) > MAX_MEDIA_URL_LENGTH:
            errors["mediaUrl"] = Message(
                N_("The media URL is longer than %(limit)s characters."), limit=MAX_MEDIA_URL_LENGTH
            )
        if media_type not in MEDIA_TYPES:
            errors["mediaType"] = Message(N_("Choose the media type: %(choices)s."), choices=", ".join(MEDIA_TYPES))
    elif media_type:
        errors["mediaUrl"] = N_("Give the media URL, or clear the media type.")
    if len(file_name) > MAX_FILE_NAME_LENGTH:
        errors["mediaFilename"] = Message(
            N_("The file name is longer than %(limit)s characters."), limit=MAX_FILE_NAME_LENGTH
        )
    return errors


def nul_errors(fields: Mapping[str, str]) -> dict[str, str]:
    """A NUL character (invisible, and refused by PostgreSQL) in any text field is refused, naming the field."""
    return {name: NUL_REFUSAL for name, value in fields.items() if "\x00" in value}


def number_errors(rate: int, retries: int, max_rate: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 1 <= rate <= max_rate:
        errors["rateLimit"] = Message(
            N_("The rate must be between 1 and %(limit)s messages per minute."), limit=max_rate
        )
    if not 0 <= retries <= MAX_RETRIES_LIMIT:
        errors["maxRetries"] = Message(N_("The retry limit must be between 0 and %(limit)s."), limit=MAX_RETRIES_LIMIT)
    return errors


def schedule_errors(scheduled_for: datetime | None, now: datetime) -> dict[str, str]:
    if scheduled_for is None:
        return {}
    if scheduled_for.tzinfo is None:
        return {"scheduledFor": N_("The schedule needs a time zone (for example 2026-01-05T12:00:00Z).")}
    if scheduled_for <= now:
        return {"scheduledFor": N_("The schedule must be in the future.")}
    if scheduled_for - now > MAX_SCHEDULE_AHEAD:
        return {"scheduledFor": N_("The schedule must be within a year from now.")}
    return {}
