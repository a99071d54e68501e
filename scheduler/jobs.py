"""The few fixed jobs. Each is thin: read the clock, call models/ and the dispatcher, log. APScheduler only decides
when they run; everything they act on is read from the database each time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models import sending
from models.accounts import alerts
from models.campaigns import lifecycle
from models.errors import IllegalTransition
from models.inbound import backlog
from models.statuses import CampaignStatus
from scheduler import alert_delivery, recovery
from scheduler.clock import Clock
from scheduler.dispatcher import Dispatcher
from scheduler.evolution import EvolutionClient
from scheduler.workers import BEAT_SECONDS, SILENT_AFTER_SECONDS

log = logging.getLogger("arauto.jobs")


@dataclass
class Sender:
    """What the jobs share for the scheduler's lifetime, plus the tasks in flight (awaited at shutdown)."""

    client: EvolutionClient
    clock: Clock
    dispatcher: Dispatcher
    lease: float
    in_flight: set[asyncio.Task[Any]] = field(default_factory=set)
    alive_since: datetime | None = None  # the first beat of the current run of beats without a gap

    @property
    def stopping(self) -> bool:
        return self.dispatcher.stopping.is_set()

    def tracked(self, job: Callable[[Sender], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        """Wrap a job so shutdown can wait for it and a failure is logged, never fatal to the scheduler."""

        async def run() -> None:
            if self.stopping:
                return
            task = asyncio.current_task()
            if task is not None:
                self.in_flight.add(task)
            try:
                await job(self)
            except Exception:
                log.exception("job %s failed; it runs again at its next time", job.__name__)
            finally:
                if task is not None:
                    self.in_flight.discard(task)

        run.__name__ = job.__name__
        return run


async def start_due_campaigns(sender: Sender) -> None:
    """SCHEDULED campaigns whose time has come start (a sweep: nothing depends on a trigger surviving downtime);
    one that may not run goes back to DRAFT with the reason, so it is reported once, not on every pass."""
    now = sender.clock.now()
    for campaign_id in await sending.due_scheduled_campaigns(now):
        try:
            campaign = await lifecycle.start_when_due(campaign_id, now=now)
        except IllegalTransition:
            continue  # a user or another process moved it first
        if campaign.status == CampaignStatus.RUNNING:
            log.info("campaign %s started on schedule", campaign_id)
        else:
            log.warning("campaign %s not started on schedule: %s", campaign_id, campaign.pause_reason)


async def dispatch(sender: Sender) -> None:
    report = await sender.dispatcher.run_pass()
    if report.claimed:
        log.debug("dispatch pass: %s", report)


async def reconcile_stale(sender: Sender) -> None:
    tally = await recovery.reconcile_stale(
        sender.client, worker=sender.dispatcher.worker, now=sender.clock.now(), lease=sender.lease
    )
    if any(tally.values()):
        log.info("reconciled stale claims: %s", tally)


async def heartbeat(sender: Sender) -> None:
    """This sender is alive (on PostgreSQL the dispatcher sends only while its beat is fresh)."""
    now = sender.clock.now()
    try:
        await sending.beat(sender.dispatcher.worker, now=now)
    except Exception:
        sender.alive_since = None
        raise
    last = sender.dispatcher.last_beat
    if sender.alive_since is None or last is None or (now - last).total_seconds() > 2 * BEAT_SECONDS:
        sender.alive_since = now
    sender.dispatcher.last_beat = now


async def reconcile_dead(sender: Sender) -> None:
    """Dead workers' claims at once: a predecessor gone from this host, or (judged by a worker beating steadily for
    long enough) a silent one."""
    now = sender.clock.now()
    steady = sender.alive_since is not None and (now - sender.alive_since).total_seconds() >= SILENT_AFTER_SECONDS
    tally = await recovery.reconcile_dead(
        sender.client, worker=sender.dispatcher.worker, now=now, judge_silence=steady
    )
    if any(tally.values()):
        log.info("reconciled the claims of dead workers: %s", tally)


async def check_instances(sender: Sender) -> None:
    await recovery.check_instances(sender.client, now=sender.clock.now())


async def check_alerts(sender: Sender) -> None:
    """Usage alerts from the recorded sends and the instances' outages (once per threshold and period)."""
    now = sender.clock.now()
    new = await alerts.check_limits(now=now) + await alerts.check_instances_down(now=now)
    if new:
        log.info("%s new usage alert(s)", new)


async def deliver_alerts(sender: Sender) -> None:
    """Alerts POSTed to their owners' webhooks, with retries (its own job: a slow receiver never slows sending)."""
    done, failed = await alert_delivery.deliver_due(now=sender.clock.now())
    if done or failed:
        log.info("alerts delivered: %s, failed: %s", done, failed)


async def apply_webhook_backlog(sender: Sender) -> None:
    """Webhook events stored but not applied (a failure, a receipt ahead of its send) are tried again, idempotently."""
    tally = await backlog.apply_unapplied(now=sender.clock.now())
    if tally.applied or tally.failed:
        log.info("webhook backlog: %s", tally)
