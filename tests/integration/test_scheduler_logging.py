"""The console stays readable: routine job runs log at DEBUG, so the one-time setup link printed at start stays in
sight; warnings still pass."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from scheduler import jobs
from scheduler.clock import SystemClock
from scheduler.evolution import EvolutionClient
from scheduler.lifespan import RoutineAtDebug, quiet_routine_logs, scheduler_lifespan
from settings import Settings, load_settings

ROUTINE = ("apscheduler", "arauto.jobs", "arauto.dispatcher", "arauto.events", "arauto.recovery")


def _job_runs(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("apscheduler") and r.getMessage().startswith("Running job")]


async def _run_sender(settings: Settings, until: Callable[[], bool], deadline: float = 10.0) -> None:
    """The real scheduler lifespan, without the web app (Litestar's logging set-up would replace caplog's handler),
    until `until()` holds (polled every 50 ms, so a loaded machine only makes the test slower)."""
    async with EvolutionClient() as client:
        state = SimpleNamespace(clock=SystemClock(), evolution=client)
        async with scheduler_lifespan(settings)(SimpleNamespace(state=state)):
            await _wait(until, deadline)


async def _wait(until: Callable[[], bool], deadline: float) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not until() and loop.time() < end:
        await asyncio.sleep(0.05)


async def test_routine_job_runs_log_no_info_line_while_the_sender_idles(db, caplog) -> None:
    settings = load_settings(
        environ={}, database_url=db, secret_key="k" * 32, scheduler_enabled=True, dispatch_interval_seconds=0.05
    )
    with caplog.at_level(logging.DEBUG):
        await _run_sender(settings, until=lambda: len(_job_runs(caplog)) >= 3)
    runs = _job_runs(caplog)
    assert len(runs) >= 3 and {r.levelno for r in runs} == {logging.DEBUG}
    assert '"dispatch' in runs[-1].getMessage()  # jobs carry their own names in the debug log
    info = [r.getMessage() for r in caplog.records if r.name.startswith(ROUTINE) and r.levelno == logging.INFO]
    assert info == []


async def test_at_info_level_routine_job_runs_are_not_printed_at_all(db, caplog, monkeypatch) -> None:
    settings = load_settings(
        environ={}, database_url=db, secret_key="k" * 32, scheduler_enabled=True, dispatch_interval_seconds=0.05
    )
    passes: list[None] = []
    real_dispatch = jobs.dispatch

    async def dispatch(sender: jobs.Sender) -> None:
        passes.append(None)
        await real_dispatch(sender)

    monkeypatch.setattr(jobs, "dispatch", dispatch)
    with caplog.at_level(logging.INFO):
        await _run_sender(settings, until=lambda: len(passes) >= 3)
    assert len(passes) >= 3
    info = [r for r in caplog.records if r.levelno == logging.INFO and r.name.startswith(("apscheduler", "arauto"))]
    assert [r.name for r in info] == ["arauto.scheduler"]  # "sender ... started", once


def test_apscheduler_warnings_still_reach_the_console(caplog) -> None:
    quiet_routine_logs()
    quiet_routine_logs()  # a second lifespan in the same process adds no second filter
    executor = logging.getLogger("apscheduler.executors.default")
    assert sum(isinstance(f, RoutineAtDebug) for f in executor.filters) == 1
    with caplog.at_level(logging.INFO):
        executor.warning('Run time of job "dispatch" was missed by 0:00:03')
        executor.info('Job "dispatch" executed successfully')
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, 'Run time of job "dispatch" was missed by 0:00:03')
    ]
