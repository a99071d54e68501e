"""Times shown to a user, in the user's own time zone (an unknown zone name falls back to UTC)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def in_zone(value: datetime, timezone: str) -> datetime:
    """The instant in `timezone`; at its own offset when the conversion would leave the calendar."""
    try:
        return value.astimezone(zone(timezone))
    except (OverflowError, ValueError):
        return value


def local(value: datetime | None, timezone: str = "UTC") -> datetime | None:
    """The instant as a wall-clock time in `timezone` (no tzinfo: what a spreadsheet cell holds); None stays None."""
    return None if value is None else in_zone(value, timezone).replace(tzinfo=None)


def format_local(value: datetime | None, timezone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    """'' for no time; otherwise the instant in `timezone`, formatted."""
    if value is None:
        return ""
    return value.astimezone(zone(timezone)).strftime(fmt)
