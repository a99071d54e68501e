"""scheduler_lifespan(settings): the sender inside the web process (the one place here that knows Litestar's
lifespan shape). Start-up: take the SQLite sender lock, beat, reconcile a dead predecessor's claims at once, then
stale claims, start the fixed jobs. Exit: stop
claiming, await in-flight sends up to a timeout, shut the scheduler down. The Evolution client is the app's own
(`app.state.evolution`, opened and closed by its lifespan in app.py): one connection pool for pages and sender."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC
from pathlib import Path
from typing import Any, TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from models import sending
from models.db import current_engine
from models.engines import is_postgres
from scheduler import jobs
from scheduler.clock import Clock
from scheduler.dispatcher import Dispatcher
from scheduler.evolution import EvolutionClient
from scheduler.workers import BEAT_SECONDS, SEND_ONLY_IF_BEAT_WITHIN
from settings import Settings

log = logging.getLogger("arauto.scheduler")
SHUTDOWN_GRACE_SECONDS = 10.0
SWEEP_SECONDS = 5.0
RECONCILE_SECONDS = 30.0  # at most; a short lease is checked more often (lease / 4)
CHECK_INSTANCES_SECONDS = 30.0
WEBHOOK_BACKLOG_SECONDS = 30.0
ALERT_SECONDS = 30.0  # usage alerts: computed from the recorded sends and delivered, each in its own job


ROUTINE_LOGGERS = ("apscheduler.scheduler", "apscheduler.executors.default")


class RoutineAtDebug(logging.Filter):
    """APScheduler logs each job run ("Running job", "executed successfully") and each job added at INFO: two
    lines a second with a 1 s dispatch, which push the one-time setup link off the console. Those records become
    DEBUG, kept only when that logger is set to DEBUG; warnings and errors pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def quiet_routine_logs() -> None:
    """Install RoutineAtDebug once per logger (the lifespan may run several times in one process)."""
    for name in ROUTINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RoutineAtDebug) for f in logger.filters):
            logger.addFilter(RoutineAtDebug())


class SenderAlreadyRunning(RuntimeError):
    """On SQLite only one process may send: a second one refuses to start."""


def sqlite_lock_path(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite:"):
        return None
    return Path(database_url.removeprefix("sqlite:///") + ".sender.lock")


def acquire_sender_lock(settings: Settings) -> TextIO | None:
    """An exclusive flock beside the SQLite file for the scheduler's lifetime (PostgreSQL shares work instead)."""
    path = sqlite_lock_path(settings.database_url)
    if path is None:
        return None
    handle = path.open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SenderAlreadyRunning(
            f"Another Arauto process is already sending from this SQLite database (lock {path}). "
            "On SQLite only one process may send: stop the other one, run this one with ARAUTO_SCHEDULER=0, "
            "or use PostgreSQL to run several senders."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def release_sender_lock(handle: TextIO | None) -> None:
    if handle is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def build_sender(settings: Settings, clock: Clock, client: EvolutionClient) -> jobs.Sender:
    """The jobs' shared state around the app's one Evolution client (never a second pool)."""
    dispatcher = Dispatcher(
        client=client,
        clock=clock,
        horizon=settings.dispatch_interval_seconds,
        lease=settings.send_lease_seconds,
        pacing=settings.pacing,
        # Several senders only on PostgreSQL (SQLite's flock allows one): there a late beat stops the sending.
        heartbeat_fresh_for=SEND_ONLY_IF_BEAT_WITHIN if is_postgres(current_engine()) else 0.0,
    )
    return jobs.Sender(client=client, clock=clock, dispatcher=dispatcher, lease=settings.send_lease_seconds)


async def add_jobs(scheduler: AsyncIOScheduler, sender: jobs.Sender, settings: Settings) -> None:
    """The fixed jobs, plus one punctual trigger per campaign scheduled in the future (the sweep is the safety net)."""
    fixed: list[tuple[Callable[..., Any], float]] = [
        (jobs.start_due_campaigns, SWEEP_SECONDS),
        (jobs.dispatch, settings.dispatch_interval_seconds),
        (jobs.reconcile_stale, max(0.5, min(RECONCILE_SECONDS, settings.send_lease_seconds / 4))),
        (jobs.heartbeat, BEAT_SECONDS),
        (jobs.reconcile_dead, BEAT_SECONDS),
        (jobs.check_instances, CHECK_INSTANCES_SECONDS),
        (jobs.apply_webhook_backlog, WEBHOOK_BACKLOG_SECONDS),
        (jobs.check_alerts, ALERT_SECONDS),
        (jobs.deliver_alerts, ALERT_SECONDS),
    ]
    for job, seconds in fixed:
        scheduler.add_job(
            sender.tracked(job),
            "interval",
            seconds=seconds,
            id=job.__name__,
            name=job.__name__,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )
    for campaign_id, when in await sending.upcoming_scheduled_campaigns(sender.clock.now()):
        scheduler.add_job(
            sender.tracked(jobs.start_due_campaigns),
            DateTrigger(run_date=when, timezone=UTC),
            id=f"start_campaign_{campaign_id}",
            name=f"start_campaign_{campaign_id}",
            replace_existing=True,
            misfire_grace_time=None,
        )


async def stop(scheduler: AsyncIOScheduler, sender: jobs.Sender, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
    """Stop flag first (no new claims, unsent claims released), then wait for sends in flight, then shut down."""
    sender.dispatcher.stopping.set()
    scheduler.pause()
    pending = [task for task in sender.in_flight if not task.done()]
    if pending:
        _, late = await asyncio.wait(pending, timeout=grace)
        if late:
            log.warning("%d job(s) still running after %.0fs; their claims are covered by the lease", len(late), grace)
    scheduler.shutdown(wait=False)


def scheduler_lifespan(settings: Settings) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        quiet_routine_logs()
        lock = acquire_sender_lock(settings)
        sender = build_sender(settings, app.state.clock, app.state.evolution)
        app.state.sender = sender
        scheduler = AsyncIOScheduler(timezone=UTC)
        try:
            await jobs.heartbeat(sender)  # registers this worker
            await jobs.reconcile_dead(sender)  # a predecessor of this host that died: its claims now
            await jobs.reconcile_stale(sender)
            await add_jobs(scheduler, sender, settings)
            scheduler.start()
            app.state.scheduler = scheduler  # /readyz asks whether it still runs
            log.info("sender %s started", sender.dispatcher.worker)
            yield
        finally:
            if scheduler.running:
                await stop(scheduler, sender)
            release_sender_lock(lock)

    return lifespan
