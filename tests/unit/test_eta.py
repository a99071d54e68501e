"""The ETA simulation (models/campaigns/eta.py): a walk over the calendar that counts the sender's grid, its caps,
warm-up, shared numbers, the user's limits, windows and expiry, instead of dividing the pending count by a rate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from models.campaigns.eta import Inputs, Lane, forecast

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a Monday


def cap(value: int):
    return lambda day: value


def test_without_limits_the_last_send_is_on_the_rates_grid() -> None:
    result = forecast(Inputs(now=NOW, pending=100, rate=20, lanes=[Lane(per_minute=60, cap_on=cap(10_000))]))
    assert result.finish == NOW + timedelta(seconds=99 * 3) and result.sent == 100 and not result.waits


def test_the_number_cap_is_slower_than_the_campaign_rate() -> None:
    result = forecast(Inputs(now=NOW, pending=10, rate=60, lanes=[Lane(per_minute=6, cap_on=cap(10_000))]))
    assert result.finish == NOW + timedelta(seconds=9 * 10)


def test_the_daily_cap_waits_for_the_next_cap_day_and_jitter_adds_its_mean_once() -> None:
    lane = Lane(per_minute=60, cap_on=cap(50), sent_today=20)
    result = forecast(Inputs(now=NOW, pending=60, rate=60, lanes=[lane], jitter_percent=50))
    # 30 today (12:00:00-12:00:29), then 30 from midnight UTC: the last at 00:00:29, plus half of 50 % of 1 s
    assert result.finish == datetime(2026, 1, 6, 0, 0, 29, 250000, tzinfo=UTC)
    assert result.waits == {"daily_cap"} and not result.more_than_a_day(NOW)


def test_warm_up_raises_the_cap_day_by_day() -> None:
    schedule = {date(2026, 1, 5): 20, date(2026, 1, 6): 40}
    lane = Lane(per_minute=60, cap_on=lambda day: schedule.get(day, 500))
    result = forecast(Inputs(now=NOW, pending=100, rate=60, lanes=[lane]))
    # 20 on Monday, 40 on Tuesday, the last 40 on Wednesday from midnight
    assert result.finish == datetime(2026, 1, 7, 0, 0, 39, tzinfo=UTC) and result.more_than_a_day(NOW)


def test_a_shared_number_gives_its_part_of_the_rate_and_of_the_daily_cap() -> None:
    lane = Lane(per_minute=30, cap_on=cap(100), part=0.5)
    result = forecast(Inputs(now=NOW, pending=60, rate=60, lanes=[lane]))
    # 50 (half the cap) at 2 s apart today, the last 10 from midnight
    assert result.finish == datetime(2026, 1, 6, 0, 0, 18, tzinfo=UTC)


def test_several_numbers_add_up_under_the_campaign_rate() -> None:
    lanes = [Lane(per_minute=10, cap_on=cap(1000)), Lane(per_minute=20, cap_on=cap(1000))]
    assert forecast(Inputs(now=NOW, pending=31, rate=60, lanes=lanes)).finish == NOW + timedelta(seconds=60)
    assert forecast(Inputs(now=NOW, pending=31, rate=15, lanes=lanes)).finish == NOW + timedelta(seconds=120)


def test_expiry_cuts_the_run_short_and_says_how_many_stay_unsent() -> None:
    result = forecast(
        Inputs(
            now=NOW,
            pending=100,
            rate=1,
            lanes=[Lane(per_minute=60, cap_on=cap(1000))],
            expires_at=NOW + timedelta(minutes=10),
        )
    )
    assert (result.sent, result.unsent, result.finish) == (10, 90, NOW + timedelta(minutes=9))


def test_no_number_that_can_send_means_no_forecast() -> None:
    result = forecast(Inputs(now=NOW, pending=5, rate=20, lanes=[Lane(per_minute=0, cap_on=cap(100))]))
    assert result.finish is None
    assert forecast(Inputs(now=NOW, pending=0, rate=20, lanes=[])).finish == NOW


def test_closed_spans_are_jumped_and_a_window_across_midnight_holds_its_sends() -> None:
    from zoneinfo import ZoneInfo

    from models.sending.pacing import SendWindow

    night = SendWindow.from_json({"days": ["mon"], "start": "23:00", "end": "01:00"}, ZoneInfo("UTC"))
    result = forecast(
        Inputs(now=NOW, pending=150, rate=1, lanes=[Lane(per_minute=60, cap_on=cap(10_000))], window=night)
    )
    # 120 one a minute on Monday 23:00-01:00, the last 30 the next Monday night
    assert result.finish == datetime(2026, 1, 12, 23, 29, tzinfo=UTC) and result.waits == {"window"}


def test_a_window_keeps_its_wall_clock_across_daylight_saving() -> None:
    from zoneinfo import ZoneInfo

    from models.sending.pacing import SendWindow

    new_york = SendWindow.from_json({"days": ["sun"], "start": "09:00", "end": "09:10"}, ZoneInfo("America/New_York"))
    start = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # Sunday 10:00 EST: the window just closed
    result = forecast(
        Inputs(now=start, pending=15, rate=1, lanes=[Lane(per_minute=60, cap_on=cap(10_000))], window=new_york)
    )
    # 10 on 8 March 09:00 EDT (13:00 UTC), the last 5 on 15 March from 13:00 UTC
    assert result.finish == datetime(2026, 3, 15, 13, 4, tzinfo=UTC)


def test_the_users_limits_wait_for_their_next_period_in_the_users_zone() -> None:
    from models.accounts.profile import period_ends
    from models.campaigns.eta import UserLimits

    user = UserLimits(daily=30, monthly=None, day_sent=25, period_ends=lambda at: period_ends(at, "America/Sao_Paulo"))
    result = forecast(Inputs(now=NOW, pending=10, rate=60, lanes=[Lane(per_minute=60, cap_on=cap(1000))], user=user))
    # 5 left today; Sao Paulo's next day begins at 03:00 UTC: the other 5 from then
    assert result.finish == datetime(2026, 1, 6, 3, 0, 4, tzinfo=UTC) and result.waits == {"user_daily_limit"}


def test_a_forecast_over_months_of_short_windows_is_cheap() -> None:
    import time as clock
    from zoneinfo import ZoneInfo

    from models.sending.pacing import SendWindow

    hour = SendWindow.from_json({"days": ["mon", "wed"], "start": "09:00", "end": "10:00"}, ZoneInfo("UTC"))
    began = clock.perf_counter()
    result = forecast(
        Inputs(now=NOW, pending=6000, rate=1, lanes=[Lane(per_minute=60, cap_on=cap(10_000))], window=hour)
    )
    assert result.finish is not None and result.finish - NOW > timedelta(days=300)  # 50 weeks of two hours
    assert clock.perf_counter() - began < 0.5
