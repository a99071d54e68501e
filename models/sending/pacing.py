"""Pacing rules, pure (no database, no I/O): every limit on sending answers the same two questions.

A limit gives a `Room`: how many sends may go now (`count`, None = this limit does not bound it) and, when none may,
until when (`until`, None = unknown) and why (`reason`, one of `Reason`). A room may also end at a time (`ends`:
the window closes, the campaign expires): sends granted now must be due before it. The claim (models/sending/_claims)
and the campaign's `waitingReason`/`waitingUntil` (models/sending/waiting.py) both take the `tightest` of the same
rooms, so what the sender does and what the page says can never disagree; the ETA simulator steps the same rules.

The limits: the send window (`SendWindow`, in the campaign's zone, DST-correct), expiry, the number's daily cap
and its warm-up (`daily_cap`), the user's daily and monthly limits (`user_limit`, periods from
models/accounts/profile), and the frequency cap (`frequency_decision`, per recipient).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from models.accounts.profile import period_ends
from models.errors import N_, Message
from models.instances.daily_cap import cap_day

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")  # HH:MM, anchored, no backtracking
MAX_WINDOW_JSON = 200
# The warm-up schedule: a number's daily cap on its day 0, 1, 2... of warm-up; after the last day, its configured
# cap. ARAUTO_WARMUP_SCHEDULE overrides it (comma-separated positive integers).
DEFAULT_WARMUP_SCHEDULE = (20, 40, 80, 150, 300, 600)
FAILURE_WINDOW = 50  # the last sends the warm-up failure rate is computed over
FAILURE_MIN_SAMPLE = 10  # fewer finished sends than this say nothing yet
DEFAULT_FAILURE_THRESHOLD = 20  # percent: at or above it, the warm-up cap halves for the rest of the cap day
MIN_FREQUENCY_CAP_HOURS = 1
MAX_FREQUENCY_CAP_HOURS = 720


# The error of a message skipped by a pacing rule (stored in English like models/inbound OPTED_OUT; pages translate).
EXPIRED = N_("Expired")  # pending when the campaign's expiresAt came
FREQUENCY_CAPPED = N_("Messaged too recently")  # the head of FREQUENCY_CAPPED_BY (what waiting.py looks for)
# Stored on a message the cap skips, in English like every stored reason; views/i18n.stored translates it whole.
FREQUENCY_CAPPED_BY = N_("Messaged too recently (campaign %(campaign)s)")


@dataclass(frozen=True, slots=True)
class PacingConfig:
    """What an operator sets (ARAUTO_WARMUP_SCHEDULE, ARAUTO_WARMUP_FAILURE_PERCENT), handed to the sender."""

    warmup_schedule: tuple[int, ...] = DEFAULT_WARMUP_SCHEDULE
    failure_percent: int = DEFAULT_FAILURE_THRESHOLD


_CONFIGURED = [PacingConfig()]


def configure(config: PacingConfig) -> None:
    """The app's settings, set once at start-up for what pages show (the sender is handed its own copy)."""
    _CONFIGURED[0] = config


def configured() -> PacingConfig:
    return _CONFIGURED[0]


class Reason(StrEnum):
    """Why a RUNNING campaign cannot send now (`waitingReason`); the texts are in WAITING_TEXT."""

    WINDOW = "window"
    DAILY_CAP = "daily_cap"
    WARMUP = "warmup"
    USER_DAILY_LIMIT = "user_daily_limit"
    USER_MONTHLY_LIMIT = "user_monthly_limit"
    FREQUENCY_CAP = "frequency_cap"
    NUMBERS_DOWN = "numbers_down"
    EXPIRED = "expired"


# "Waiting: <text> until <time>" on the campaign page; the time is added by the page in the user's language.
WAITING_TEXT = {
    Reason.WINDOW: N_("outside the send window"),
    Reason.DAILY_CAP: N_("the numbers' daily caps are reached"),
    Reason.WARMUP: N_("the numbers' warm-up caps are reached"),
    Reason.USER_DAILY_LIMIT: N_("your daily message limit is reached"),
    Reason.USER_MONTHLY_LIMIT: N_("your monthly message limit is reached"),
    Reason.FREQUENCY_CAP: N_("every remaining recipient was messaged too recently"),
    Reason.NUMBERS_DOWN: N_("every number of the campaign is disconnected"),
    Reason.EXPIRED: N_("the campaign has expired"),
}


@dataclass(frozen=True, slots=True)
class Room:
    """What one limit allows now: `count` sends (None: unbounded), due before `ends`; when `count` is 0, why and
    until when."""

    count: int | None = None
    reason: str = ""
    until: datetime | None = None
    ends: datetime | None = None

    @property
    def blocked(self) -> bool:
        return self.count is not None and self.count <= 0


OPEN = Room()


def tightest(rooms: Iterable[Room]) -> Room:
    """The first room that blocks (limits are given in the order the page names them), else the smallest count and
    the earliest end of them all."""
    count: int | None = None
    ends: datetime | None = None
    for room in rooms:
        if room.blocked:
            return Room(0, room.reason, room.until, room.ends)
        if room.count is not None:
            count = room.count if count is None else min(count, room.count)
        if room.ends is not None:
            ends = room.ends if ends is None else min(ends, room.ends)
    return Room(count, ends=ends)


# --- the send window ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendWindow:
    """Days of the week (each day a span *starts* on) and a local start and end time in `tz`. An end at or before
    the start crosses midnight: a Friday 22:00-06:00 span ends on Saturday 06:00. Wall-clock times are kept across
    a daylight-saving change: 09:00-20:00 stays 09:00-20:00 local on both sides."""

    days: frozenset[int]  # 0 = Monday
    start: time
    end: time
    tz: ZoneInfo = field(default=ZoneInfo("UTC"), compare=False)

    @classmethod
    def from_json(cls, value: str | dict[str, Any] | None, tz: ZoneInfo | None = None) -> SendWindow | None:
        """The stored (or given) window; None for no window. ValueError when it breaks a rule (`window_errors`)."""
        if value is None or value == "":
            return None
        data = json.loads(value) if isinstance(value, str) else value
        problems = window_errors(data)
        if problems:
            raise ValueError(next(iter(problems.values())))
        return cls(
            days=frozenset(DAYS.index(d) for d in data["days"]),
            start=_parse_time(data["start"]),
            end=_parse_time(data["end"]),
            tz=tz or ZoneInfo("UTC"),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": [DAYS[d] for d in sorted(self.days)],
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), separators=(",", ":"))

    def in_zone(self, tz: ZoneInfo) -> SendWindow:
        return SendWindow(self.days, self.start, self.end, tz)

    def _spans(self, at: datetime, days_before: int = 1, days_after: int = 8) -> list[tuple[datetime, datetime]]:
        """The open spans (UTC) that start on the local days around `at`, in order, touching ones merged."""
        today = at.astimezone(self.tz).date()
        spans: list[tuple[datetime, datetime]] = []
        for offset in range(-days_before, days_after + 1):
            day = today + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            end_day = day if self.end > self.start else day + timedelta(days=1)
            begin = _instant(day, self.start, self.tz)
            finish = _instant(end_day, self.end, self.tz)
            if finish <= begin:  # a span swallowed by a daylight-saving jump
                continue
            if spans and begin <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], finish))
            else:
                spans.append((begin, finish))
        return spans

    def _span_at(self, at: datetime) -> tuple[datetime, datetime] | None:
        return next(((b, e) for b, e in self._spans(at) if b <= at < e), None)

    def is_open(self, at: datetime) -> bool:
        return self._span_at(at) is not None

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when the window is open, else the next time it opens."""
        if self.is_open(at):
            return at
        return next(b for b, _ in self._spans(at) if b > at)

    def closes_at(self, at: datetime) -> datetime | None:
        """The end of the open span holding `at` (None when the window is closed at `at`)."""
        span = self._span_at(at)
        return span[1] if span else None

    def room(self, now: datetime) -> Room:
        closes = self.closes_at(now)
        if closes is None:
            return Room(0, Reason.WINDOW, self.next_open(now))
        return Room(ends=closes)


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as a UTC instant (a time skipped by a DST jump lands just after it)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _parse_time(text: str) -> time:
    match = _TIME.match(text)
    if match is None:
        raise ValueError(text)
    return time(int(match.group(1)), int(match.group(2)))


def window_errors(data: Any, name: str = "sendWindow") -> dict[str, str]:
    """Every way a `sendWindow` value can be wrong, named plainly ({} when right; None is no window and right)."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) != {"days", "start", "end"}:
        return {name: N_('Give the send window as {"days": ["mon", ...], "start": "09:00", "end": "20:00"}.')}
    days, start, end = data["days"], data["start"], data["end"]
    if not isinstance(days, list) or not days or len(days) > len(DAYS):
        return {name: N_("Choose from 1 to 7 days for the send window.")}
    bad = [d for d in days if not isinstance(d, str) or d not in DAYS]
    if bad:
        return {
            name: Message(
                N_("Unknown day “%(day)s” in the send window: use %(choices)s."),
                day=str(bad[0])[:10],
                choices=", ".join(DAYS),
            )
        }
    if len(set(days)) != len(days):
        return {name: N_("Name each day of the send window once.")}
    for value in (start, end):
        if not isinstance(value, str) or _TIME.match(value) is None:
            return {
                name: Message(
                    N_("Unknown time “%(time)s” in the send window: use HH:MM, 00:00 to 23:59."), time=str(value)[:10]
                )
            }
    if start == end:
        return {name: N_("The send window's start and end are the same time: it would never open.")}
    return {}


# --- expiry ------------------------------------------------------------------------------------------------------


def expiry_room(expires_at: datetime | None, now: datetime) -> Room:
    """Sends must be due before the expiry; at it, nothing more goes (the sweep skips the rest)."""
    if expires_at is None:
        return OPEN
    if now >= expires_at:
        return Room(0, Reason.EXPIRED, None)
    return Room(ends=expires_at)


# --- the number's daily cap and its warm-up ----------------------------------------------------------------------


def parse_schedule(text: str) -> tuple[int, ...]:
    """ "20,40,80" -> (20, 40, 80); empty: the default. ValueError for anything but positive integers."""
    if not text.strip():
        return DEFAULT_WARMUP_SCHEDULE
    steps = tuple(int(part) for part in text.split(","))
    if not steps or any(step <= 0 for step in steps):
        raise ValueError("a warm-up schedule is positive integers")
    return steps


@dataclass(frozen=True, slots=True)
class DailyCap:
    """A number's cap for today and why it is what it is: `warmup_day` is None outside warm-up."""

    cap: int
    configured: int
    warmup_day: int | None = None
    halved: bool = False

    @property
    def reason(self) -> Reason:
        return Reason.WARMUP if self.cap < self.configured else Reason.DAILY_CAP

    def explain(self) -> Message:
        """ "warm-up day 3: 80 of 500" (the instance page and API)."""
        if self.warmup_day is None or (self.cap >= self.configured and not self.halved):
            return Message(N_("daily cap: %(cap)s"), cap=self.cap)
        if self.halved:
            return Message(
                N_("warm-up day %(day)s: %(cap)s of %(configured)s, halved for a high failure rate"),
                day=self.warmup_day + 1,
                cap=self.cap,
                configured=self.configured,
            )
        return Message(
            N_("warm-up day %(day)s: %(cap)s of %(configured)s"),
            day=self.warmup_day + 1,
            cap=self.cap,
            configured=self.configured,
        )


def daily_cap(
    configured: int,
    *,
    warmup: bool,
    started: date | None,
    today: date,
    halved_day: date | None = None,
    schedule: Sequence[int] = DEFAULT_WARMUP_SCHEDULE,
) -> DailyCap:
    """The number's effective cap today: min(schedule[age in days], configured) during warm-up, halved for the rest
    of the cap day once its failure rate crossed the threshold (`should_halve`)."""
    if not warmup:
        return DailyCap(configured, configured)
    age = max(0, (today - (started or today)).days)
    cap = min(schedule[age], configured) if age < len(schedule) else configured
    halved = halved_day == today
    if halved:
        cap = max(1, cap // 2) if cap > 0 else 0
    return DailyCap(cap, configured, age, halved)


def should_halve(failed: Sequence[bool], threshold_percent: int = DEFAULT_FAILURE_THRESHOLD) -> bool:
    """`failed`: the number's last finished sends, newest first (True = failed). Over the last FAILURE_WINDOW of
    them (at least FAILURE_MIN_SAMPLE), is the failure rate at or above the threshold?"""
    recent = list(failed[:FAILURE_WINDOW])
    if len(recent) < FAILURE_MIN_SAMPLE:
        return False
    return sum(recent) * 100 >= threshold_percent * len(recent)


def next_cap_day(now: datetime) -> datetime:
    """When the daily cap's count starts again (the cap day is a UTC day: models/instances/daily_cap.py)."""
    return datetime.combine(cap_day(now) + timedelta(days=1), time(0), tzinfo=UTC)


def cap_room(cap: DailyCap, sent_today: int, now: datetime) -> Room:
    return Room(max(0, cap.cap - sent_today), cap.reason, next_cap_day(now))


# --- the user's limits -------------------------------------------------------------------------------------------


def user_limit_rooms(
    *, daily: int | None, monthly: int | None, day_sent: int, month_sent: int, now: datetime, timezone: str
) -> list[Room]:
    """The user's daily then monthly limit: room left in each, and when each period begins again (local time)."""
    day_end, month_end = period_ends(now, timezone)
    rooms = []
    if daily is not None:
        rooms.append(Room(max(0, daily - day_sent), Reason.USER_DAILY_LIMIT, day_end))
    if monthly is not None:
        rooms.append(Room(max(0, monthly - month_sent), Reason.USER_MONTHLY_LIMIT, month_end))
    return rooms


# --- the frequency cap -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrequencyDecision:
    """For one recipient: send now (`send`), wait until `wait_until`, or skip (neither)."""

    send: bool
    wait_until: datetime | None = None

    @property
    def skip(self) -> bool:
        return not self.send and self.wait_until is None


SEND = FrequencyDecision(True)


def frequency_decision(
    last_sent_at: datetime | None, *, cap_hours: int | None, now: datetime, expires_at: datetime | None
) -> FrequencyDecision:
    """A number the user's campaigns messaged within `cap_hours` waits until the cap lapses when that is before
    the campaign's expiry (or there is none); otherwise it is skipped."""
    if cap_hours is None or last_sent_at is None:
        return SEND
    lapses = last_sent_at + timedelta(hours=cap_hours)
    if lapses <= now:
        return SEND
    if expires_at is None or lapses < expires_at:
        return FrequencyDecision(False, lapses)
    return FrequencyDecision(False, None)


def frequency_cap_errors(hours: int | None, name: str = "frequencyCapHours") -> dict[str, str]:
    if hours is None or MIN_FREQUENCY_CAP_HOURS <= hours <= MAX_FREQUENCY_CAP_HOURS:
        return {}
    return {
        name: Message(
            N_("The frequency cap must be between %(low)s and %(high)s hours, or empty for none."),
            low=MIN_FREQUENCY_CAP_HOURS,
            high=MAX_FREQUENCY_CAP_HOURS,
        )
    }
