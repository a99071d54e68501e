"""Dates, durations, numbers, percentages and money as the request's locale writes them (Babel's CLDR data):
pt-BR 30/11/2026 14:20, 1.997, 81,5 %, R$ 12,50; en 11/30/26, 2:20 PM, 1,997, 81.5%, R$12.50."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from models.campaigns import history
from models.sending.pacing import WAITING_TEXT, Reason
from models.sending.waiting import Waiting
from models.timezones import in_zone
from views.i18n import _, babel_locale, current_locale

PERCENT_PATTERNS = {"pt-BR": "#,##0.0\u00a0%", "en": "#,##0.0%"}  # one decimal; pt-BR as Brazilian reports write it


def local_time(value: datetime | None, timezone: str = "UTC") -> str:
    """A moment in the user's time zone, written the locale's short way; '' when there is none."""
    if value is None:
        return ""
    return format_datetime(in_zone(value, timezone), "short", locale=babel_locale())


def duration(seconds: int | float | None) -> str:
    """A length of time for people: '2 h 05 min', '3 min', '45 s'; '' when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{number(hours)} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def from_now(seconds: int | float | None) -> str:
    """How far ahead something is: 'em 1 h 39 min' / 'in 1 h 39 min'; '' when unknown."""
    if seconds is None:
        return ""
    return _("in %(duration)s") % {"duration": duration(seconds)}


def number(value: int | float | Decimal | None) -> str:
    """1.997 (pt-BR), 1,997 (en)."""
    return "" if value is None else format_decimal(value, locale=babel_locale())


def percent(ratio: float | None) -> str:
    """A ratio (0.815) as 81,5 % (pt-BR) or 81.5% (en)."""
    if ratio is None:
        return ""
    return format_percent(ratio, PERCENT_PATTERNS.get(current_locale(), "#,##0.0%"), locale=babel_locale())


def money(amount: float | Decimal | None, currency: str = "BRL") -> str:
    """R$ 12,50 (pt-BR), R$12.50 (en)."""
    return "" if amount is None else format_currency(amount, currency, locale=babel_locale())


def soon_time(value: datetime | None, timezone: str = "UTC", now: datetime | None = None) -> str:
    """A moment within the coming week as weekday and time ('seg 09:00', 'Mon 09:00'), later ones as `local_time`."""
    if value is None:
        return ""
    if now is not None and value - now > timedelta(days=6):
        return local_time(value, timezone)
    return format_datetime(in_zone(value, timezone), "EEE HH:mm", locale=babel_locale()).replace(".", "")


def waiting_text(waiting: Waiting, timezone: str = "UTC") -> str:
    """'Waiting: outside the send window until Mon 09:00' in the request's language; '' while it sends."""
    if not waiting.reason:
        return ""
    why = _(WAITING_TEXT[Reason(waiting.reason)])
    if waiting.until is None:
        return _("Waiting: %(why)s") % {"why": why}
    return _("Waiting: %(why)s until %(when)s") % {
        "why": why,
        "when": soon_time(waiting.until, timezone, waiting.checked_at),
    }


def history_word(code: str) -> str:
    """A history row's action or source in the reader's language (an unknown code as it is)."""
    word = history.WORDS.get(code)
    return _(word) if word else code


FILTERS = {
    "history_word": history_word,
    "local_time": local_time,
    "duration": duration,
    "from_now": from_now,
    "number": number,
    "percent": percent,
    "money": money,
    "soon_time": soon_time,
    "waiting_text": waiting_text,
}
