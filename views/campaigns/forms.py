"""The campaign and template page forms: permissive parsing of the posted strings into the domain's inputs.

Field names in the HTML are snake_case; the domain names errors in the API's camelCase, so `field_errors()`
translates them for the form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from models.campaigns.rules import DEFAULT_RATE, DEFAULT_RETRIES, CampaignInput
from models.message_templates import TemplateInput
from models.sending.pacing import DAYS
from models.tables import Campaign, MessageTemplate
from models.timezones import in_zone, zone
from views.i18n import _

# The window the new-campaign form offers (Mon-Sat 09:00-20:00); the API's default is no window.
DEFAULT_DAYS = DAYS[:6]
DEFAULT_START, DEFAULT_END = "09:00", "20:00"


@dataclass
class MediaFields:
    """The message's media, as the campaign and template forms post it (the `media_fields` macro draws both)."""

    media_url: str = ""
    media_type: str = ""


@dataclass
class PacingFields:
    """The campaign's pacing: the window's switch and its days are checkboxes (absent when unticked; the new form
    offers the default window ticked, the API's default stays no window); the expiry is typed in the user's zone like
    the schedule; an empty frequency cap is off."""

    send_window: str = ""
    send_window_days: str | list[str] = ""
    send_window_start: str = DEFAULT_START
    send_window_end: str = DEFAULT_END
    timezone: str = ""
    expires_date: str = ""
    expires_time: str = ""
    frequency_cap_hours: str = ""


@dataclass
class CampaignForm(MediaFields, PacingFields):
    name: str = ""
    instance_id: str = ""
    template_id: str = ""
    message: str = ""
    media_filename: str = ""
    rate_limit: str = str(DEFAULT_RATE)
    max_retries: str = str(DEFAULT_RETRIES)
    schedule_date: str = ""
    schedule_time: str = ""
    precheck: str = ""  # a checkbox: "on" when ticked, absent otherwise (the new form starts ticked)
    other_instance_ids: str | list[str] = ""  # checkboxes: the campaign's other numbers, one value or several
    campaign_id: str = ""  # the preview's hint: which campaign's recipients to render for
    sample: str = ""  # the preview's "another example": which recipients (or spintax draw) to show


@dataclass
class TemplateForm(MediaFields):
    name: str = ""
    body: str = ""
    sample: str = ""  # the preview's "another example"

    def as_input(self) -> TemplateInput:
        return TemplateInput(name=self.name, body=self.body, media_url=self.media_url, media_type=self.media_type)

    @classmethod
    def of(cls, template: MessageTemplate) -> TemplateForm:
        return cls(name=template.name, body=template.body, media_url=template.media_url, media_type=template.media_type)


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """`instanceId` -> `instance_id`; the schedule's and the expiry's errors show beside their dates."""
    named = {re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower(): reason for key, reason in errors.items()}
    if "scheduled_for" in named:
        named["schedule_date"] = named.pop("scheduled_for")
    if "expires_at" in named:
        named["expires_date"] = named.pop("expires_at")
    return named


def _optional_id(raw: str, field: str, errors: dict[str, str]) -> int | None:
    if not raw.strip():
        return None
    if raw.strip().isdigit():
        return int(raw)
    errors[field] = _("Choose one from the list.")
    return None


def _number(raw: str, field: str, errors: dict[str, str]) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        errors[field] = _("Write a whole number.")
        return 0


def _moment(day: str, hour: str, timezone: str, field: str, errors: dict[str, str], neither: str) -> datetime | None:
    """Date and time typed in the user's zone, as an aware datetime (stored UTC); both empty = None."""
    day, hour = day.strip(), hour.strip()
    if not day and not hour:
        return None
    if not day or not hour:
        errors[field] = neither
        return None
    try:
        local = datetime.combine(date.fromisoformat(day), time.fromisoformat(hour), tzinfo=zone(timezone))
        return local.astimezone(ZoneInfo("UTC"))
    except (ValueError, OverflowError):  # 9999-12-31 23:59 west of UTC has no UTC time
        errors[field] = _("Use a date like 2026-01-31 and a time like 14:30.")
        return None


def _schedule(form: CampaignForm, timezone: str, errors: dict[str, str]) -> datetime | None:
    neither = _("Give both the date and the time, or neither to start by hand.")
    return _moment(form.schedule_date, form.schedule_time, timezone, "schedule_date", errors, neither)


def _expiry(form: PacingFields, timezone: str, errors: dict[str, str]) -> datetime | None:
    neither = _("Give both the date and the time, or neither for no expiry.")
    return _moment(form.expires_date, form.expires_time, timezone, "expires_date", errors, neither)


def _ticked(raw: str | list[str]) -> list[str]:
    """Checkboxes sharing a name: one value or several."""
    return [raw] if isinstance(raw, str) and raw else list(raw) if isinstance(raw, list) else []


def _window(form: PacingFields) -> dict[str, Any] | None:
    """The window as the API gives it (the domain checks it); None when its switch is off."""
    if form.send_window != "on":
        return None
    days = _ticked(form.send_window_days)[:7]
    return {"days": days, "start": form.send_window_start.strip()[:5], "end": form.send_window_end.strip()[:5]}


def _optional_number(raw: str, field: str, errors: dict[str, str]) -> int | None:
    return _number(raw, field, errors) if raw.strip() else None


def parse_campaign(form: CampaignForm, timezone: str) -> tuple[CampaignInput, dict[str, str]]:
    """The domain input, plus the errors found while reading the strings (the domain checks the rest)."""
    errors: dict[str, str] = {}
    data = CampaignInput(
        name=form.name,
        instance_id=_optional_id(form.instance_id, "instance_id", errors),
        template_id=_optional_id(form.template_id, "template_id", errors),
        message=form.message.replace("\r\n", "\n"),
        media_url=form.media_url,
        media_type=form.media_type,
        media_filename=form.media_filename.strip(),
        rate_limit=_number(form.rate_limit, "rate_limit", errors),
        max_retries=_number(form.max_retries, "max_retries", errors),
        scheduled_for=_schedule(form, timezone, errors),
        precheck=form.precheck == "on",
        send_window=_window(form),
        timezone=form.timezone.strip()[:64],
        expires_at=_expiry(form, timezone, errors),
        frequency_cap_hours=_optional_number(form.frequency_cap_hours, "frequency_cap_hours", errors),
    )
    if data.instance_id is not None:  # the form always says every number: ticked ones follow the first
        others = [int(raw) for raw in other_ids(form) if raw.isdigit() and int(raw) != data.instance_id]
        data = replace(data, instance_ids=(data.instance_id, *dict.fromkeys(others)))
    return data, errors


def other_ids(form: CampaignForm) -> list[str]:
    """The ticked "also send through" numbers as strings (what the template compares with)."""
    return _ticked(form.other_instance_ids)


def window_days(form: PacingFields) -> list[str]:
    """The window's ticked days (what the template compares with)."""
    return _ticked(form.send_window_days)


def week_days() -> list[tuple[str, str]]:
    """The window's day checkboxes: the API's day names with their short words in the user's language."""
    words = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return list(zip(DAYS, words, strict=True))


def new_campaign_form(timezone: str, sample: int = 0) -> CampaignForm:
    """The new-campaign form: numbers checked on WhatsApp, and the default send window offered, ticked."""
    return CampaignForm(
        sample=str(max(sample, 0)),
        precheck="on",
        send_window="on",
        send_window_days=list(DEFAULT_DAYS),
        timezone=timezone,
    )


def campaign_form_of(campaign: Campaign, timezone: str, numbers: list[int] | None = None) -> CampaignForm:
    """The edit form, filled from the stored campaign (schedule shown in the user's zone)."""
    local = in_zone(campaign.scheduled_for, timezone) if campaign.scheduled_for else None
    expires = in_zone(campaign.expires_at, timezone) if campaign.expires_at else None
    window: dict[str, Any] = json.loads(campaign.send_window) if campaign.send_window else {}
    return CampaignForm(
        name=campaign.name,
        instance_id=str(campaign.instance or ""),
        template_id=str(campaign.template or ""),
        message=campaign.message,
        media_url=campaign.media_url,
        media_type=campaign.media_type,
        media_filename=campaign.media_filename,
        rate_limit=str(campaign.rate_limit),
        max_retries=str(campaign.max_retries),
        schedule_date=local.strftime("%Y-%m-%d") if local else "",
        schedule_time=local.strftime("%H:%M") if local else "",
        precheck="on" if campaign.precheck else "",
        other_instance_ids=[str(i) for i in (numbers or [])[1:]],
        campaign_id=str(campaign.id),
        send_window="on" if window else "",
        send_window_days=list(window.get("days", DEFAULT_DAYS)),
        send_window_start=window.get("start", DEFAULT_START),
        send_window_end=window.get("end", DEFAULT_END),
        timezone=campaign.timezone or timezone,
        expires_date=expires.strftime("%Y-%m-%d") if expires else "",
        expires_time=expires.strftime("%H:%M") if expires else "",
        frequency_cap_hours=str(campaign.frequency_cap_hours or ""),
    )
