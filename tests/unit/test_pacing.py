"""The pacing rules, pure: send windows (midnight, DST), warm-up caps, user periods, frequency cap, the tightest
room."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from models.accounts.profile import period_ends, period_starts
from models.sending.pacing import (
    DEFAULT_WARMUP_SCHEDULE,
    Reason,
    Room,
    SendWindow,
    daily_cap,
    expiry_room,
    frequency_decision,
    parse_schedule,
    should_halve,
    tightest,
    user_limit_rooms,
    window_errors,
)

DAYS_ALL = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
NY = ZoneInfo("America/New_York")
SP = ZoneInfo("America/Sao_Paulo")


def window(days: list[str], start: str, end: str, tz: ZoneInfo = SP) -> SendWindow:
    found = SendWindow.from_json({"days": days, "start": start, "end": end}, tz)
    assert found is not None
    return found


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)  # type: ignore[misc]


def test_a_weekday_window_is_open_inside_and_closed_outside():
    w = window(["mon", "tue", "wed", "thu", "fri"], "09:00", "20:00")
    monday_10 = local(SP, 2026, 1, 5, 10, 0)
    assert w.is_open(monday_10)
    assert w.closes_at(monday_10) == local(SP, 2026, 1, 5, 20, 0)
    assert w.next_open(monday_10) == monday_10
    monday_21 = local(SP, 2026, 1, 5, 21, 0)
    assert not w.is_open(monday_21) and w.closes_at(monday_21) is None
    assert w.next_open(monday_21) == local(SP, 2026, 1, 6, 9, 0)
    friday_21 = local(SP, 2026, 1, 9, 21, 0)
    assert w.next_open(friday_21) == local(SP, 2026, 1, 12, 9, 0)  # the weekend is skipped
    assert w.room(friday_21) == Room(0, Reason.WINDOW, local(SP, 2026, 1, 12, 9, 0))
    assert w.room(monday_10) == Room(ends=local(SP, 2026, 1, 5, 20, 0))


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts():
    w = window(["fri"], "22:00", "06:00")
    assert w.is_open(local(SP, 2026, 1, 9, 23, 0))  # Friday 23:00
    assert w.is_open(local(SP, 2026, 1, 10, 5, 59))  # Saturday 05:59
    assert not w.is_open(local(SP, 2026, 1, 10, 6, 0))
    assert not w.is_open(local(SP, 2026, 1, 9, 5, 0))  # Friday morning: Thursday is not a day of it
    assert w.closes_at(local(SP, 2026, 1, 10, 1, 0)) == local(SP, 2026, 1, 10, 6, 0)
    assert w.next_open(local(SP, 2026, 1, 10, 7, 0)) == local(SP, 2026, 1, 16, 22, 0)


def test_a_night_window_every_day_closes_each_evening():
    nights = window(DAYS_ALL, "20:00", "19:00")  # 20:00 to 19:00 the next day, every day: closed 19:00-20:00
    assert nights.closes_at(local(SP, 2026, 1, 5, 22, 0)) == local(SP, 2026, 1, 6, 19, 0)
    assert nights.next_open(local(SP, 2026, 1, 6, 19, 30)) == local(SP, 2026, 1, 6, 20, 0)
    day = window(["mon", "tue"], "00:00", "23:59")
    assert day.closes_at(local(SP, 2026, 1, 5, 12, 0)) == local(SP, 2026, 1, 5, 23, 59)


def test_the_window_keeps_its_wall_clock_across_a_dst_change():
    w = window(DAYS_ALL, "09:00", "20:00", NY)
    # New York springs forward on 2026-03-08: 09:00 EST is 14:00 UTC the day before, 09:00 EDT is 13:00 UTC after.
    assert w.next_open(local(NY, 2026, 3, 7, 21, 0)) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    assert w.closes_at(datetime(2026, 3, 7, 15, 0, tzinfo=UTC)) == datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    assert w.closes_at(datetime(2026, 3, 8, 15, 0, tzinfo=UTC)) == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
    assert not w.is_open(datetime(2026, 3, 8, 12, 30, tzinfo=UTC))  # 08:30 EDT (09:30 by the winter offset)
    # and falls back on 2026-11-01
    assert w.next_open(local(NY, 2026, 10, 31, 21, 0)) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


def test_a_night_window_across_the_dst_night_ends_at_local_six():
    w = window(["sat"], "22:00", "06:00", NY)
    assert w.closes_at(local(NY, 2026, 3, 7, 23, 0)) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # 06:00 EDT


@seed(13)
@settings(max_examples=200, deadline=None)
@given(
    days=st.sets(st.sampled_from(DAYS_ALL), min_size=1),
    start=st.integers(0, 24 * 60 - 1),
    end=st.integers(0, 24 * 60 - 1),
    at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    zone=st.sampled_from([NY, SP, ZoneInfo("Europe/Lisbon"), ZoneInfo("UTC")]),
)
def test_next_open_is_open_and_nothing_before_it_is(days, start, end, at, zone):
    if start == end:
        return
    w = window(sorted(days), f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}", zone)
    opens = w.next_open(at)
    assert opens >= at and w.is_open(opens)
    closes = w.closes_at(opens)
    assert closes is not None and closes > opens and not w.is_open(closes)
    step = (opens - at) / 7
    for i in range(7):  # sampled: closed all the way to the opening
        assert not w.is_open(at + step * i) or opens == at
    local_opening = opens.astimezone(zone)
    assert local_opening.weekday() in w.days or local_opening.time() < w.start or opens == at


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"days": ["monday"], "start": "09:00", "end": "20:00"}, "Unknown day"),
        ({"days": ["mon"], "start": "9:00", "end": "20:00"}, "Unknown time"),
        ({"days": ["mon"], "start": "09:00", "end": "24:00"}, "Unknown time"),
        ({"days": ["mon"], "start": "09:00", "end": "09:00"}, "same time"),
        ({"days": [], "start": "09:00", "end": "20:00"}, "from 1 to 7 days"),
        ({"days": ["mon", "mon"], "start": "09:00", "end": "20:00"}, "once"),
        ({"days": ["mon"], "start": "09:00"}, "Give the send window"),
    ],
)
def test_a_bad_window_is_named_plainly(value, message):
    assert message in window_errors(value)["sendWindow"]


def test_a_window_round_trips_through_json():
    w = window(["fri", "mon"], "22:00", "06:00")
    assert w.to_json() == '{"days":["mon","fri"],"start":"22:00","end":"06:00"}'
    assert SendWindow.from_json(w.to_json(), SP) == w
    assert SendWindow.from_json(None) is None


def test_the_warmup_cap_follows_the_schedule_then_the_configured_cap():
    started = date(2026, 1, 1)
    caps = [daily_cap(500, warmup=True, started=started, today=started + timedelta(days=n)).cap for n in range(8)]
    assert caps == [20, 40, 80, 150, 300, 500, 500, 500]
    assert daily_cap(100, warmup=True, started=started, today=started).cap == 20
    assert daily_cap(100, warmup=False, started=started, today=started).cap == 100
    third = daily_cap(500, warmup=True, started=started, today=date(2026, 1, 3))
    assert third.reason is Reason.WARMUP and str(third.explain()) == "warm-up day 3: 80 of 500"
    halved = daily_cap(500, warmup=True, started=started, today=date(2026, 1, 3), halved_day=date(2026, 1, 3))
    assert halved.cap == 40 and "halved" in str(halved.explain())
    yesterday = daily_cap(500, warmup=True, started=started, today=date(2026, 1, 3), halved_day=date(2026, 1, 2))
    assert yesterday.cap == 80  # the halving holds for the rest of its day only
    grown = daily_cap(500, warmup=True, started=started, today=date(2026, 2, 1))
    assert grown.reason is Reason.DAILY_CAP and str(grown.explain()) == "daily cap: 500"


def test_a_schedule_is_read_from_the_setting():
    assert parse_schedule("") == DEFAULT_WARMUP_SCHEDULE
    assert parse_schedule("10, 20,30") == (10, 20, 30)
    with pytest.raises(ValueError):
        parse_schedule("10,0")
    with pytest.raises(ValueError):
        parse_schedule("ten")


def test_the_failure_rate_halves_only_past_the_threshold_with_enough_sends():
    assert not should_halve([True] * 9)  # too few to judge
    assert should_halve([True] * 10 + [False] * 40)  # 10 of 50 = 20 %
    assert not should_halve([True] * 9 + [False] * 41)
    assert not should_halve([False] * 50 + [True] * 50)  # only the last 50 count


def test_user_periods_end_at_local_midnight_and_the_first_of_next_month():
    now = datetime(2026, 1, 31, 2, 30, tzinfo=UTC)  # 30 Jan 23:30 in Sao Paulo
    day_end, month_end = period_ends(now, "America/Sao_Paulo")
    assert day_end == local(SP, 2026, 1, 31, 0, 0) and month_end == local(SP, 2026, 2, 1, 0, 0)
    assert period_starts(now, "America/Sao_Paulo")[0] == local(SP, 2026, 1, 30, 0, 0)
    assert period_ends(datetime(2026, 12, 15, tzinfo=UTC), "UTC")[1] == datetime(2027, 1, 1, tzinfo=UTC)
    rooms = user_limit_rooms(daily=30, monthly=100, day_sent=30, month_sent=50, now=now, timezone="America/Sao_Paulo")
    assert tightest(rooms) == Room(0, Reason.USER_DAILY_LIMIT, day_end)
    rooms = user_limit_rooms(daily=30, monthly=100, day_sent=3, month_sent=100, now=now, timezone="America/Sao_Paulo")
    assert tightest(rooms) == Room(0, Reason.USER_MONTHLY_LIMIT, month_end)
    assert user_limit_rooms(daily=None, monthly=None, day_sent=9, month_sent=9, now=now, timezone="UTC") == []


def test_the_frequency_cap_sends_waits_or_skips():
    now = datetime(2026, 1, 5, 12, tzinfo=UTC)
    last = now - timedelta(hours=10)
    assert frequency_decision(None, cap_hours=24, now=now, expires_at=None).send
    assert frequency_decision(last, cap_hours=None, now=now, expires_at=None).send
    assert frequency_decision(last, cap_hours=8, now=now, expires_at=None).send
    waits = frequency_decision(last, cap_hours=24, now=now, expires_at=None)
    assert not waits.send and waits.wait_until == now + timedelta(hours=14)
    skipped = frequency_decision(last, cap_hours=24, now=now, expires_at=now + timedelta(hours=5))
    assert skipped.skip


def test_the_tightest_room_is_the_first_that_blocks_else_the_smallest():
    soon, later = datetime(2026, 1, 5, 13, tzinfo=UTC), datetime(2026, 1, 5, 20, tzinfo=UTC)
    assert tightest([Room(5, ends=later), Room(3), Room(ends=soon)]) == Room(3, ends=soon)
    assert tightest([Room(5), Room(0, Reason.DAILY_CAP, later), Room(0, Reason.WINDOW, soon)]).reason == "daily_cap"
    assert tightest([]) == Room()
    assert expiry_room(soon, soon).reason == Reason.EXPIRED and expiry_room(later, soon) == Room(ends=later)
