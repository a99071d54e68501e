"""Send-slot arithmetic (pure): when the next messages of a campaign may go, given its rate and its instance's cap.

A slot is a point on a grid spaced `60 / rate` seconds apart. The database keeps the next free grid point (so the
cadence holds across processes and restarts); jitter only delays each send inside its own slot, by up to
`jitter_percent` of the interval, so spacing varies around the interval while no 60-second window can hold more
than `rate + 1` sends. After a pause or downtime the grid restarts at `now`: nothing catches up in a burst.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """The send times granted now (possibly a few, within the look-ahead horizon) and the next free grid point."""

    send_times: tuple[datetime, ...]
    next_slot: datetime | None  # unchanged (the stored value) when nothing was granted

    @property
    def granted(self) -> int:
        return len(self.send_times)


def interval_seconds(rate_per_minute: float) -> float:
    """Seconds between two sends at `rate_per_minute`."""
    if rate_per_minute <= 0:
        raise ValueError("a rate must be positive")
    return 60.0 / rate_per_minute


def jitter_offset(interval: float, jitter_percent: int, rng: random.Random | None = None) -> float:
    """A random delay in [0, interval * jitter%) applied inside one slot."""
    if jitter_percent <= 0:
        return 0.0
    return (rng or random).uniform(0.0, interval * min(jitter_percent, 100) / 100)


def plan_slots(
    slot: datetime | None,
    now: datetime,
    *,
    interval: float,
    limit: int,
    horizon: float = 0.0,
    jitter_percent: int = 0,
    rng: random.Random | None = None,
    until: datetime | None = None,
) -> SlotPlan:
    """Grant up to `limit` grid points between max(slot, now) and now + horizon, each delayed by its jitter, each
    send before `until` (a window's close, an expiry: a send jittered past it is not granted).

    `horizon` lets one dispatcher pass reserve the sends of the next second or so (the dispatcher waits for each
    send time), which is how a fast rate is reached without claiming once per message.
    """
    if limit <= 0:
        return SlotPlan((), slot)
    start = now if slot is None or slot < now else slot
    end = now + timedelta(seconds=horizon)
    step = timedelta(seconds=interval)
    times: list[datetime] = []
    point = start
    while point <= end and len(times) < limit:
        send_at = point + timedelta(seconds=jitter_offset(interval, jitter_percent, rng))
        if until is not None and send_at >= until:
            break
        times.append(send_at)
        point += step
    return SlotPlan(tuple(times), point if times else slot)
