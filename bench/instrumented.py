"""The app as `app:create_app` builds it, plus what the progress benchmark needs to see inside the server: every
progress poll's time as the app's own timer measures it (from its outermost middleware to its last byte), the
live block's computations and renders, the event loop's stalls (how late a 5 ms timer fires) and the garbage
collector's pauses. Written as JSON to $BENCH_SERVER_STATS when the server stops.

    uvicorn bench.instrumented:create_app --factory      (bench/progress_bench.py does this)
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass, field
from typing import Any

from litestar import Litestar

import app as arauto
from models import metrics
from models.campaigns import live_cache
from views.campaigns import detail

TIMER = 0.005  # the monitor's sleep; anything it oversleeps is time the loop ran something else
STALL = 0.010  # oversleeps longer than this are kept one by one


@dataclass
class Stats:
    """Each figure with the wall-clock time it ended at, so the bench keeps only those of its load window."""

    polls_ms: list[tuple[float, float]] = field(default_factory=list)
    stalls_ms: list[tuple[float, float]] = field(default_factory=list)  # how late the timer fired, when > STALL
    gc_pauses_ms: list[tuple[float, float, int]] = field(default_factory=list)  # with the generation collected
    computations_ms: list[tuple[float, float]] = field(default_factory=list)  # the live block's, shared by tabs
    renders_ms: list[tuple[float, float]] = field(default_factory=list)  # the block's bytes, shared by tabs too


STATS = Stats()


def _also_kept(observe: Any) -> Any:
    """The app's own poll timer (views/metrics.py, the outermost middleware, what /metrics reports), also kept
    here poll by poll, in ms."""

    def observing(seconds: float) -> None:
        observe(seconds)
        STATS.polls_ms.append((time.time(), seconds * 1000))

    return observing


async def watch_loop(stalls_ms: list[tuple[float, float]]) -> None:
    """Keeps (when, how late) each time a 5 ms timer fires more than 10 ms late: the loop was busy with something
    else all that time (the server's, and the bench client's own: a late client inflates what it measures)."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(TIMER)
        late = time.perf_counter() - before - TIMER
        if late > STALL:
            stalls_ms.append((time.time(), late * 1000))


_gc_started: list[float] = [0.0]


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        pause = (time.perf_counter() - _gc_started[0]) * 1000
        STATS.gc_pauses_ms.append((time.time(), pause, int(info["generation"])))


@asynccontextmanager
async def instruments(_app: Litestar) -> AsyncIterator[None]:
    gc.callbacks.append(_gc_callback)
    watcher = asyncio.get_running_loop().create_task(watch_loop(STATS.stalls_ms))
    try:
        yield
    finally:
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
        gc.callbacks.remove(_gc_callback)
        target = os.environ.get("BENCH_SERVER_STATS", "")
        if target:
            with open(target, "w") as out:
                json.dump(asdict(STATS), out)


def _counted(compute: Any, into: list[tuple[float, float]]) -> Any:
    async def counted(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await compute(*args, **kwargs)
        finally:
            into.append((time.time(), (time.perf_counter() - started) * 1000))

    return counted


def _timed(function: Any, into: list[tuple[float, float]]) -> Any:
    def timed_call(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            into.append((time.time(), (time.perf_counter() - started) * 1000))

    return timed_call


def create_app() -> Litestar:
    live_cache.live_view = _counted(live_cache.live_view, STATS.computations_ms)
    detail.rendered = _timed(detail.rendered, STATS.renders_ms)
    metrics.POLL_LATENCY.observe = _also_kept(metrics.POLL_LATENCY.observe)  # type: ignore[method-assign]
    return arauto.create_app(extra_lifespans=[instruments])
