"""The import's process pool: the phone normalisation of a large file runs on every core, never on the event loop.

One pool per app (its lifespan opens and closes it). Workers are spawned (no inherited threads, event loop or
database connections) and only on first use, so an app that never imports a large file starts none.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
Task = tuple[Callable[..., T], tuple[Any, ...]]

_current: Executor | None = None
_start_up_frozen = False


def default_workers() -> int:
    """One worker per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def open_import_pool(workers: int = 0) -> Executor:
    """The app's pool (`workers` 0: one per core), also what `current_pool()` answers until it is closed."""
    global _current
    _freeze_start_up()
    pool = ProcessPoolExecutor(
        max_workers=workers or default_workers(), mp_context=multiprocessing.get_context("spawn")
    )
    _current = pool
    return pool


def _freeze_start_up() -> None:
    """Once per process: move what start-up built (modules, classes, templates) out of the collector's reach.

    A large import allocates enough to trigger full collections, each walking every object of the process while
    holding the GIL: ~60 ms of a stalled event loop on this machine, ~11 ms once start-up's objects are frozen.
    """
    global _start_up_frozen
    if not _start_up_frozen:
        gc.collect()
        gc.freeze()
        _start_up_frozen = True


def close_import_pool(pool: Executor) -> None:
    """Stop the workers; an import still running fails instead of holding the shutdown."""
    global _current
    if _current is pool:
        _current = None
    pool.shutdown(wait=False, cancel_futures=True)


def current_pool() -> Executor | None:
    """The pool the app's lifespan opened, or None (the import then runs in its thread alone)."""
    return _current


def run_in_order(pool: Executor, tasks: Iterable[Task[T]], absorb: Callable[[T], None], *, depth: int) -> None:
    """Submit tasks as they come, at most `depth` in flight, and hand each result to `absorb` in submission order.

    Blocking: call it from a thread. When producing the tasks fails (a CSV error further down the file), the
    results already submitted are absorbed first, so whichever error a sequential run meets first is raised.
    """
    pending: deque[Future[T]] = deque()
    try:
        try:
            for function, args in tasks:
                pending.append(pool.submit(function, *args))
                if len(pending) >= depth:
                    absorb(pending.popleft().result())
        except Exception:
            while pending:
                absorb(pending.popleft().result())
            raise
        while pending:
            absorb(pending.popleft().result())
    finally:
        for future in pending:
            future.cancel()
