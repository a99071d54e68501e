"""Sends counted against an instance's daily cap: one rule for the claim (which enforces the cap), the instance
list and page, the API, the dashboard and the campaign's rate.

The count lives on the instance row (`sent_today` for the day `sent_day`), moved by each claim; a count from an
earlier day is zero. The day is the UTC calendar day of the sender's clock, the rule the cap has always used.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def cap_day(now: datetime) -> date:
    """The day the daily cap counts in."""
    return now.astimezone(UTC).date() if now.tzinfo is not None else now.date()


def as_day(value: date | str | None) -> date | None:
    """A stored `sent_day` as a date (raw SQL on SQLite answers an ISO string, the ORM a date)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def sends_today(sent_today: int | None, sent_day: date | str | None, *, today: date) -> int:
    """Messages counted against the daily cap on `today` (`cap_day(now)`)."""
    return int(sent_today or 0) if as_day(sent_day) == today else 0
