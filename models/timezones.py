"""Times shown to a user, in the user's own time zone (an unknown zone name falls back to UTC).

Display never fails: an instant near the calendar's ends (9999-12-31 seen from UTC+14) cannot be moved into
another zone, so it is shown at its own offset instead of raising OverflowError in the middle of a page.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from models.errors import N_, ValidationFailed


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def is_known_zone(name: str) -> bool:
    """An IANA zone name this system knows (a plain lookup: no file path, no arbitrary input reaches ZoneInfo)."""
    return name in _known_zones()


def checked_zone(name: str, field: str = "timezone") -> str:
    """`name` when it is a known zone; ValidationFailed naming `field` otherwise (refused at input, never stored)."""
    if not is_known_zone(name):
        raise ValidationFailed({field: N_("Unknown time zone: use a name such as America/Sao_Paulo or UTC.")})
    return name


def _known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


_ZONES: frozenset[str] | None = None


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
    return in_zone(value, timezone).strftime(fmt)
