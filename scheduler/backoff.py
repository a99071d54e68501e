"""Full-jitter exponential backoff (pure): retries spread out so many failures never come back as one wave."""

from __future__ import annotations

import random

DEFAULT_BASE_SECONDS = 30.0
DEFAULT_CAP_SECONDS = 15 * 60.0


def backoff_seconds(
    attempt: int,
    *,
    base: float = DEFAULT_BASE_SECONDS,
    cap: float = DEFAULT_CAP_SECONDS,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before retry number `attempt` (1 = first retry): uniform in [0, min(cap, base * 2**(attempt-1))].

    AWS's "full jitter": the ceiling grows exponentially, the draw is uniform below it.
    """
    if attempt < 1:
        raise ValueError("attempt starts at 1")
    ceiling = min(cap, base * 2 ** min(attempt - 1, 32))
    return (rng or random).uniform(0.0, ceiling)


def retry_delay(attempt: int, *, retry_after: float | None, rng: random.Random | None = None) -> float:
    """The backoff, but never sooner than the server's Retry-After when it gave one."""
    delay = backoff_seconds(attempt, rng=rng)
    return max(delay, retry_after) if retry_after is not None else delay
