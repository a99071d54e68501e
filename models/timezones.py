"""Times shown to a user, in the user's own time zone (an unknown zone name falls back to UTC)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def format_local(value: datetime | None, timezone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    """'' for no time; otherwise the instant in `timezone`, formatted."""
    if value is None:
        return ""
    return value.astimezone(zone(timezone)).strftime(fmt)
