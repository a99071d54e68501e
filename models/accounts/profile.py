"""What a user sets on their own account (time zone, alert webhook) and their usage today and this month against
the limits an admin set, counted from the recorded sends in the user's time zone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from models.engines import point_reads
from models.errors import ValidationFailed
from models.tables import Campaign, UserProfile
from models.timezones import checked_zone, in_zone, zone

MAX_URL_LENGTH = 500
SENT_SQL = (
    "SELECT COUNT(*) AS n FROM arauto_campaign_message m JOIN arauto_campaign c ON c.id = m.campaign "
    "WHERE c.owner = {} AND m.sent_at >= {}"
)


@dataclass(frozen=True)
class Profile:
    timezone: str
    locale: str
    alert_webhook_url: str
    alert_webhook_secret: str
    daily_limit: int | None
    monthly_limit: int | None


@dataclass(frozen=True)
class LimitUsage:
    """Messages sent so far in a period and the limit (None = unlimited)."""

    sent: int
    limit: int | None

    @property
    def percent(self) -> int | None:
        if self.limit is None:
            return None
        return 100 if self.limit == 0 else min(100, self.sent * 100 // self.limit)


def checked_webhook_url(value: str) -> str:
    """Empty (no webhook), or an http(s) address without credentials, at most MAX_URL_LENGTH characters."""
    url = value.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if len(url) > MAX_URL_LENGTH or parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationFailed({"alert_webhook_url": "Enter an http:// or https:// address, or leave it empty."})
    if parts.username or parts.password:
        raise ValidationFailed({"alert_webhook_url": "Do not put credentials in the address."})
    return url


async def get_profile(user_id: int) -> Profile:
    row: dict[str, Any] | None = await UserProfile.select().where(UserProfile.user == user_id).first()
    row = row or {}
    return Profile(
        timezone=row.get("timezone") or "UTC",
        locale=row.get("locale") or "en",
        alert_webhook_url=row.get("alert_webhook_url") or "",
        alert_webhook_secret=row.get("alert_webhook_secret") or "",
        daily_limit=row.get("daily_limit"),
        monthly_limit=row.get("monthly_limit"),
    )


async def update_own(user_id: int, *, timezone: str, alert_webhook_url: str) -> None:
    """The user's own settings; every bad field is named at once."""
    errors: dict[str, str] = {}
    clean: dict[Any, Any] = {}
    for column, check, value in (
        (UserProfile.timezone, checked_zone, timezone.strip()),
        (UserProfile.alert_webhook_url, checked_webhook_url, alert_webhook_url),
    ):
        try:
            clean[column] = check(value)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    if not await UserProfile.exists().where(UserProfile.user == user_id):
        await UserProfile(user=user_id).save()
    await UserProfile.update(clean).where(UserProfile.user == user_id)
    if clean[UserProfile.alert_webhook_url]:  # the receiver checks each alert's signature with this secret
        await UserProfile.update({UserProfile.alert_webhook_secret: secrets.token_hex(32)}).where(
            (UserProfile.user == user_id) & (UserProfile.alert_webhook_secret == "")
        )


def period_starts(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The instants today and this month began in `timezone`."""
    local = in_zone(now, timezone)
    tz = zone(timezone)
    day = datetime.combine(local.date(), time(0), tzinfo=tz)
    month = datetime.combine(local.date().replace(day=1), time(0), tzinfo=tz)
    return day, month


def period_ends(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The instants tomorrow and next month begin in `timezone` (when a daily or monthly limit starts again)."""
    day, month = period_starts(now, timezone)
    tz = zone(timezone)
    tomorrow = datetime.combine(day.date() + timedelta(days=1), time(0), tzinfo=tz)
    first = month.date()
    next_month = (
        first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return tomorrow, datetime.combine(next_month, time(0), tzinfo=tz)


async def sent_since(owner_id: int, start: datetime) -> int:
    with point_reads(False):  # a month of a user's sends may be many rows: never on the event loop
        rows = await Campaign.raw(SENT_SQL, owner_id, start)
    return int(rows[0]["n"]) if rows else 0


async def limit_usage(owner_id: int, *, now: datetime) -> tuple[LimitUsage, LimitUsage]:
    """Today's and this month's sends against the daily and monthly limits, in the user's time zone."""
    profile = await get_profile(owner_id)
    day, month = period_starts(now, profile.timezone)
    today = LimitUsage(sent=await sent_since(owner_id, day), limit=profile.daily_limit)
    this_month = LimitUsage(sent=await sent_since(owner_id, month), limit=profile.monthly_limit)
    return today, this_month
