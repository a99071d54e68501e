"""Full-jitter exponential backoff."""

from __future__ import annotations

import random

import pytest

from scheduler.backoff import backoff_seconds, retry_delay


def test_backoff_draws_stay_under_an_exponentially_growing_ceiling():
    rng = random.Random(1)
    ceilings = [
        max(backoff_seconds(attempt, base=10, cap=10_000, rng=rng) for _ in range(500)) for attempt in (1, 2, 3)
    ]
    assert 9 < ceilings[0] <= 10 and 18 < ceilings[1] <= 20 and 36 < ceilings[2] <= 40


def test_backoff_never_exceeds_its_cap():
    rng = random.Random(2)
    assert max(backoff_seconds(40, base=10, cap=60, rng=rng) for _ in range(500)) <= 60


def test_backoff_is_spread_out_not_a_fixed_delay():
    rng = random.Random(3)
    draws = {round(backoff_seconds(3, rng=rng), 3) for _ in range(50)}
    assert len(draws) > 40


def test_retry_after_from_the_server_is_a_floor():
    assert retry_delay(1, retry_after=5000, rng=random.Random(4)) == 5000


def test_attempt_zero_is_refused():
    with pytest.raises(ValueError, match="attempt starts at 1"):
        backoff_seconds(0)
