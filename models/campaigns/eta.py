"""When a campaign will finish (`estimatedCompletionAt`), simulated over the calendar, not divided (issue 13, item 6).

The sender puts a campaign's sends on a grid: one every 60 / rate seconds, where the rate is the slower of the
campaign's own and its share of each number's per-minute cap (models/sending/_claims.py); the grid restarts when
sending resumes after a wait. So the simulation walks forward from `now` in spans during which nothing changes
(the send window stays open, no cap day, user day or month begins, nothing expires), counts the grid points that
fit in each span, and stops early when a number's daily cap (its warm-up cap on that day), the user's daily or
monthly limit, or the pending count runs out. Closed windows and exhausted days are jumped over, never stepped
through, so a forecast costs a few operations per span: a month of windows is a few hundred steps.

The rules themselves are not restated here: the window is the campaign's `SendWindow` (models/sending/pacing.py),
each number's cap on a day comes from the warm-up rule, and the user's periods from models/accounts/profile.py; the
loader (models/campaigns/eta_inputs.py) reads them. Jitter delays each send inside its own slot without moving the
grid, so it adds its mean delay to the last send only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from models.instances.daily_cap import cap_day
from models.sending.pacing import next_cap_day

MAX_SPANS = 20_000  # far more than a year of daily windows; beyond it the forecast says "unknown"
HORIZON = timedelta(days=400)


class Window(Protocol):
    def next_open(self, at: datetime) -> datetime: ...

    def closes_at(self, at: datetime) -> datetime | None: ...


@dataclass(frozen=True)
class Lane:
    """One of the campaign's numbers: this campaign's share of its per-minute cap (0: the number cannot send), its
    daily cap on a (UTC) cap day, what it sent on today's cap day (every campaign), and the part of its daily room
    this campaign gets (1 alone; with other running campaigns on it, its share of the number's rate)."""

    per_minute: float
    cap_on: Callable[[date], int]
    sent_today: int = 0
    part: float = 1.0


@dataclass(frozen=True)
class UserLimits:
    """The owner's daily and monthly limits (None: none), what was sent in the current periods, and when a period
    begins again after a given instant (`period_ends`, in the user's time zone)."""

    daily: int | None = None
    monthly: int | None = None
    day_sent: int = 0
    month_sent: int = 0
    period_ends: Callable[[datetime], tuple[datetime, datetime]] | None = None


@dataclass(frozen=True)
class Inputs:
    now: datetime
    pending: int
    rate: int  # the campaign's own messages per minute
    lanes: Sequence[Lane]
    window: Window | None = None
    expires_at: datetime | None = None
    user: UserLimits = field(default_factory=UserLimits)
    jitter_percent: int = 0


@dataclass(frozen=True)
class Forecast:
    """`finish`: when the last message should go (None: unknown, e.g. no number can send); `unsent`: how many the
    expiry cuts off; `waits`: what makes it wait on the way (window, daily_cap, user_daily_limit, ...)."""

    finish: datetime | None
    sent: int
    unsent: int = 0
    waits: frozenset[str] = frozenset()

    def more_than_a_day(self, now: datetime) -> bool:
        return self.finish is not None and self.finish - now > timedelta(days=1)


@dataclass
class _State:
    """What moves during the walk: each lane's sends on the current cap day, the user's in the current periods."""

    day: date
    lane_sent: list[float]
    user_day: datetime | None  # when the user's current day ends (None: no user limit)
    user_month: datetime | None
    day_sent: int
    month_sent: int


def forecast(inputs: Inputs) -> Forecast:
    """Walk the calendar from `inputs.now` until nothing is pending, the campaign expires, or it cannot be known."""
    pending, now = inputs.pending, inputs.now
    if pending <= 0:
        return Forecast(finish=now, sent=0)
    user = inputs.user
    ends = user.period_ends(now) if user.period_ends and (user.daily is not None or user.monthly is not None) else None
    state = _State(
        day=cap_day(now),
        lane_sent=[float(lane.sent_today) for lane in inputs.lanes],
        user_day=ends[0] if ends else None,
        user_month=ends[1] if ends else None,
        day_sent=user.day_sent,
        month_sent=user.month_sent,
    )
    t, sent, last = now, 0, None
    waits: set[str] = set()
    last_interval = 0.0
    for _ in range(MAX_SPANS):
        if pending <= 0:
            break
        if inputs.expires_at is not None and t >= inputs.expires_at:
            return _done(last, last_interval, inputs, sent, pending, waits)
        if t - now > HORIZON:
            return Forecast(None, sent, 0, frozenset(waits))
        _roll_periods(state, t, user)
        if inputs.window is not None:
            opens = inputs.window.next_open(t)
            if opens > t:
                waits.add("window")
                t = opens
                continue
        end = _span_end(t, inputs, state)
        rooms = [_lane_room(lane, state.lane_sent[i], state.day) for i, lane in enumerate(inputs.lanes)]
        active = [i for i, room in enumerate(rooms) if room > 0 and inputs.lanes[i].per_minute > 0]
        user_room = _user_room(user, state)
        if not active or user_room == 0:
            if not any(lane.per_minute > 0 for lane in inputs.lanes):
                return Forecast(None, sent, 0, frozenset(waits))
            waits.add(_blocked_reason(active, user, state))
            t = end
            continue
        per_minute = min(float(inputs.rate), sum(inputs.lanes[i].per_minute for i in active))
        interval = 60.0 / per_minute
        fit = max(0, math.ceil((end - t).total_seconds() / interval - 1e-9))
        limits = [pending, fit]
        if user_room is not None:
            limits.append(user_room)
        total = sum(inputs.lanes[i].per_minute for i in active)
        for i in active:  # the lane that runs out first changes the rate
            limits.append(max(1, math.ceil(rooms[i] * total / inputs.lanes[i].per_minute - 1e-9)))
        count = min(limits)
        if count <= 0:
            t = end
            continue
        last = t + timedelta(seconds=interval * (count - 1))
        last_interval = interval
        for i in active:  # while this campaign sends on a shared number, the others send their part too
            state.lane_sent[i] += count * inputs.lanes[i].per_minute / total / inputs.lanes[i].part
        state.day_sent += count
        state.month_sent += count
        pending -= count
        sent += count
        t = t + timedelta(seconds=interval * count)
    else:
        return Forecast(None, sent, 0, frozenset(waits))
    return _done(last, last_interval, inputs, sent, pending, waits)


def _done(
    last: datetime | None, interval: float, inputs: Inputs, sent: int, unsent: int, waits: set[str]
) -> Forecast:
    if last is None:
        return Forecast(None if unsent else inputs.now, sent, unsent, frozenset(waits))
    jitter = timedelta(seconds=interval * min(max(inputs.jitter_percent, 0), 100) / 200)  # the mean delay
    return Forecast(last + jitter, sent, unsent, frozenset(waits))


def _roll_periods(state: _State, t: datetime, user: UserLimits) -> None:
    """A new cap day empties the lanes' counts; a new user day or month empties the user's."""
    if cap_day(t) != state.day:
        state.day = cap_day(t)
        state.lane_sent = [0.0] * len(state.lane_sent)
    if state.user_day is not None and user.period_ends is not None and t >= state.user_day:
        next_day, next_month = user.period_ends(t)
        state.day_sent = 0
        if state.user_month is not None and t >= state.user_month:
            state.month_sent = 0
        state.user_day, state.user_month = next_day, next_month


def _span_end(t: datetime, inputs: Inputs, state: _State) -> datetime:
    """The first instant after `t` at which a rule may change: the window closes, a cap day, user day or month
    begins, or the campaign expires."""
    ends = [next_cap_day(t)]
    if inputs.window is not None:
        closes = inputs.window.closes_at(t)
        if closes is not None:
            ends.append(closes)
    ends += [e for e in (state.user_day, state.user_month, inputs.expires_at) if e is not None and e > t]
    return min(ends)


def _lane_room(lane: Lane, sent: float, day: date) -> float:
    """This campaign's part of what is left of the number's daily cap (`sent`: the number's sends that day)."""
    return max(0.0, lane.cap_on(day) - sent) * lane.part


def _user_room(user: UserLimits, state: _State) -> int | None:
    rooms = []
    if user.daily is not None:
        rooms.append(max(0, user.daily - state.day_sent))
    if user.monthly is not None:
        rooms.append(max(0, user.monthly - state.month_sent))
    return min(rooms) if rooms else None


def _blocked_reason(active: list[int], user: UserLimits, state: _State) -> str:
    if user.monthly is not None and state.month_sent >= user.monthly:
        return "user_monthly_limit"
    if user.daily is not None and state.day_sent >= user.daily:
        return "user_daily_limit"
    return "daily_cap"
