"""Send-slot arithmetic: rate held, no catch-up burst, jitter inside the slot."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from models.sending import plan_slots

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_an_old_slot_after_downtime_restarts_at_now_with_no_burst():
    plan = plan_slots(NOW - timedelta(hours=1), NOW, interval=3.0, limit=100)
    assert plan.send_times == (NOW,) and plan.next_slot == NOW + timedelta(seconds=3)


def test_a_horizon_grants_every_grid_point_up_to_it():
    plan = plan_slots(NOW, NOW, interval=0.25, limit=100, horizon=1.0)
    assert [(t - NOW).total_seconds() for t in plan.send_times] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert plan.next_slot == NOW + timedelta(seconds=1.25)


def test_the_limit_caps_the_slots_granted():
    plan = plan_slots(None, NOW, interval=0.1, limit=3, horizon=10)
    assert plan.granted == 3 and plan.next_slot == NOW + timedelta(seconds=0.3)


def test_nothing_is_granted_before_the_slot_and_the_slot_is_kept():
    later = NOW + timedelta(seconds=5)
    plan = plan_slots(later, NOW, interval=3.0, limit=10, horizon=1.0)
    assert plan.granted == 0 and plan.next_slot == later


def test_jitter_delays_each_send_inside_its_own_slot_only():
    rng = random.Random(5)
    plan = plan_slots(NOW, NOW, interval=2.0, limit=1000, horizon=1998.0, jitter_percent=30, rng=rng)
    offsets = [(t - NOW).total_seconds() - 2.0 * n for n, t in enumerate(plan.send_times)]
    assert min(offsets) >= 0 and max(offsets) < 0.6 and len({round(o, 6) for o in offsets}) > 900


def test_with_jitter_no_minute_holds_more_than_rate_plus_one_sends():
    rng = random.Random(6)
    times = plan_slots(NOW, NOW, interval=3.0, limit=1000, horizon=3000, jitter_percent=50, rng=rng).send_times
    busiest = max(sum(1 for u in times if t <= u < t + timedelta(seconds=60)) for t in times)
    assert busiest <= 21


def test_no_send_is_granted_at_or_after_until_even_inside_the_horizon():
    close = NOW + timedelta(seconds=2)
    plan = plan_slots(NOW, NOW, interval=1.0, limit=100, horizon=10, until=close)
    assert plan.send_times == (NOW, NOW + timedelta(seconds=1)) and plan.next_slot == close


def test_a_send_jittered_past_until_is_not_granted():
    close = NOW + timedelta(seconds=0.5)
    plan = plan_slots(NOW, NOW, interval=1.0, limit=5, horizon=0, jitter_percent=100, rng=random.Random(3), until=close)
    assert all(t < close for t in plan.send_times)
