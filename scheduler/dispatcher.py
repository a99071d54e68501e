"""One dispatcher pass: claim -> render -> send (bounded concurrency) -> record each outcome right away.

Outcomes (scheduler.evolution classifies them): Sent -> SENT; NotSent -> retry with full-jitter backoff, then
FAILED; Ambiguous -> never resent blindly: reconciled with findMessages at once (found -> SENT, not found -> retry,
Evolution unreachable -> left SENDING for `reconcile_stale`); RecipientRejected/Rejected -> FAILED at once;
InstanceDown -> PENDING without spending an attempt, and the instance's running campaigns pause themselves.
A stop (shutdown) releases claims not yet sent; a cancellation mid-request leaves them SENDING under the lease.
A database outage is not a dead worker: every write of a claim is kept and written when the database is back
(scheduler/group_commit.py), and a claim whose send could not be prepared (its media not readable) is released.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models import events, sending
from models.campaigns import lifecycle
from models.campaigns import media as campaign_media
from models.campaigns.message_text import recipient_text
from models.errors import IllegalTransition
from models.inbound import receipts
from models.instances.connection import connection_changed
from models.sending import Claimed
from models.sending.pacing import PacingConfig
from models.statuses import ConnectionState
from scheduler import outcomes, precheck
from scheduler.clock import Clock
from scheduler.evolution import Ambiguous, EvolutionClient, InstanceDown, Rejected, SendResult, Sent
from scheduler.group_commit import GroupCommit, is_outage, through_outages

log = logging.getLogger("arauto.dispatcher")


def worker_id() -> str:
    """Who holds a claim: host, process and a random tail (a restarted process is a new worker)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class PassReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    unresolved: int = 0
    instances_down: dict[int, str] = field(default_factory=dict)
    completed: list[int] = field(default_factory=list)


@dataclass
class Dispatcher:
    """Holds what passes share (client, clock, worker id, stop flag); the database holds everything else."""

    client: EvolutionClient
    clock: Clock
    worker: str = field(default_factory=worker_id)
    batch_size: int = 200
    concurrency: int = 20
    horizon: float = 0.0
    lease: float = 120.0
    rng: random.Random | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    sleep_until: Callable[[datetime], Awaitable[None]] | None = None
    heartbeat_fresh_for: float = 0.0  # > 0: send only while the last beat is this recent (scheduler/workers.py)
    pacing: PacingConfig = field(default_factory=PacingConfig)  # warm-up schedule and failure threshold
    last_beat: datetime | None = None
    _sent: GroupCommit[sending.SentRecord, int | None] | None = field(default=None, init=False, repr=False)
    _receipts: GroupCommit[str, None] | None = field(default=None, init=False, repr=False)
    # Uploaded media, read and base64-encoded once per campaign and pass (a task, so concurrent sends share it).
    _media: dict[int, asyncio.Task[campaign_media.MediaPayload | None]] = field(
        default_factory=dict, init=False, repr=False
    )

    def _sent_writer(self) -> GroupCommit[sending.SentRecord, int | None]:
        if self._sent is None:
            self._sent = GroupCommit(lambda records: sending.record_sent_many(records, worker=self.worker))
        return self._sent

    def _receipt_reader(self) -> GroupCommit[str, None]:
        """Receipts that overtook the sends of one group commit, looked up by one query."""
        if self._receipts is None:

            async def apply(key_ids: Sequence[str]) -> list[None]:
                await receipts.apply_pending_receipts(*key_ids, now=self.clock.now())
                return [None] * len(key_ids)

            self._receipts = GroupCommit(apply)
        return self._receipts

    async def run_pass(self) -> PassReport:
        """Check numbers waiting for the pre-check, claim what is due now, send it, record it, then pause/complete
        campaigns as the outcomes say."""
        report = PassReport()
        if self.stopping.is_set():
            return report
        await precheck.check_numbers(self.client, now=self.clock.now())
        await expire_due(self.clock.now())
        claims = await sending.claim_batch(
            limit=self.batch_size,
            worker=self.worker,
            now=self.clock.now(),
            lease=self.lease,
            horizon=self.horizon,
            rng=self.rng,
            config=self.pacing,
        )
        report.claimed = len(claims)
        for campaign_id, count in Counter(claim.campaign_id for claim in claims).items():
            events.publish(events.MESSAGE_CLAIMED, campaign_id=campaign_id, count=count)
        self._media = {}
        gate = asyncio.Semaphore(self.concurrency)
        await asyncio.gather(*(self._deliver(claim, gate, report) for claim in claims))
        await self._pause_down_instances(report)
        report.completed = await complete_finished(self.clock.now())
        return report

    async def _deliver(self, claim: Claimed, gate: asyncio.Semaphore, report: PassReport) -> None:
        try:
            await self._wait_for_slot(claim)
        except asyncio.CancelledError:
            await asyncio.shield(self._release(claim, "Sender stopped before sending"))
            raise
        if self.stopping.is_set() or claim.instance_id in report.instances_down:
            reason = report.instances_down.get(claim.instance_id, "Sender stopped before sending")
            await self._release(claim, reason)
            return
        if not self._beat_is_fresh():
            await self._release(claim, "Sender's heartbeat is late: not sending")
            return
        async with gate:
            try:
                upload = await self._upload_for(claim)
            except Exception as exc:
                if not is_outage(exc):
                    raise
                await self._release(claim, "Database unreachable before sending")  # nothing left this machine
                return
            result = await self._send(claim, upload)
        await self._record(claim, result, report)

    def _beat_is_fresh(self) -> bool:
        """A sender that cannot show it is alive does not send: the others may be taking its claims over."""
        if self.heartbeat_fresh_for <= 0:
            return True
        if self.last_beat is None:
            return False
        return (self.clock.now() - self.last_beat).total_seconds() <= self.heartbeat_fresh_for

    async def _wait_for_slot(self, claim: Claimed) -> None:
        if self.sleep_until is not None:
            await self.sleep_until(claim.send_at)
            return
        delay = (claim.send_at - self.clock.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _release(self, claim: Claimed, reason: str) -> None:
        """Back to PENDING, due now, attempt not spent: it never left this machine."""
        await through_outages(
            lambda: sending.record_retry(
                claim.message_id, error=reason, next_attempt_at=None, spend_attempt=False, worker=self.worker
            )
        )

    async def _upload_for(self, claim: Claimed) -> campaign_media.MediaPayload | None:
        """The campaign's uploaded media (read from the database) when the message has no media of its own."""
        return None if claim.media is not None else await self._uploaded_media(claim.campaign_id)

    async def _send(self, claim: Claimed, upload: campaign_media.MediaPayload | None) -> SendResult:
        text = recipient_text(claim.text, claim.variables, campaign_id=claim.campaign_id, phone=claim.phone)
        if upload is not None and upload.error:
            return Rejected(upload.error, 0)
        media = claim.media if upload is None else upload.media
        if media is not None:
            return await self.client.send_media(claim.address, claim.destination, media, caption=text or None)
        return await self.client.send_text(claim.address, claim.destination, text)

    def _uploaded_media(self, campaign_id: int) -> asyncio.Task[campaign_media.MediaPayload | None]:
        if campaign_id not in self._media:
            self._media[campaign_id] = asyncio.ensure_future(campaign_media.payload(campaign_id))
        return self._media[campaign_id]

    async def _record(self, claim: Claimed, result: SendResult, report: PassReport) -> None:
        if isinstance(result, InstanceDown):
            report.instances_down.setdefault(claim.instance_id, result.reason)
            if not result.maybe_sent:
                await self._release(claim, result.reason)
                return
        if isinstance(result, Ambiguous | InstanceDown):
            found = await outcomes.reconcile_now(self.client, claim)
            if found is None:
                report.unresolved += 1
                log.warning("message %s left SENDING for reconciliation: %s", claim.message_id, result.reason)
                return
            result = found
        kind = await self._apply(claim, result)
        setattr(report, kind, getattr(report, kind) + 1)

    async def _apply(self, claim: Claimed, result: SendResult) -> str:
        now = self.clock.now()
        if isinstance(result, Sent):
            record = sending.SentRecord(claim.message_id, result.key_id, result.remote_jid, now)
            campaign_id = await self._sent_writer().submit(record)
            if campaign_id is not None:
                await after_sent(
                    claim.message_id, campaign_id, result.key_id, now=now, apply_receipts=self._receipt_reader().submit
                )
            return "sent"
        retry_at = outcomes.retry_time(claim, result, now=now, rng=self.rng)
        if retry_at is None:
            failed = await through_outages(
                lambda: sending.record_failed(claim.message_id, error=result.reason, now=now, worker=self.worker)
            )
            if failed:
                events.publish(
                    events.MESSAGE_FAILED,
                    message_id=claim.message_id,
                    campaign_id=claim.campaign_id,
                    reason=result.reason,
                )
            return "failed"
        await through_outages(
            lambda: sending.record_retry(
                claim.message_id, error=result.reason, next_attempt_at=retry_at, spend_attempt=True, worker=self.worker
            )
        )
        return "retried"

    async def _pause_down_instances(self, report: PassReport) -> None:
        for instance_id, reason in report.instances_down.items():
            await pause_instance_campaigns(instance_id, reason=reason, now=self.clock.now())


async def record_sent(message_id: int, sent: Sent, *, now: datetime, worker: str | None) -> None:
    """SENT, then receipts that overtook the send's answer, then the event."""
    campaign_id = await sending.record_sent(
        message_id, key_id=sent.key_id, remote_jid=sent.remote_jid, now=now, worker=worker
    )
    if campaign_id is not None:
        await after_sent(message_id, campaign_id, sent.key_id, now=now)


async def after_sent(
    message_id: int,
    campaign_id: int,
    key_id: str,
    *,
    now: datetime,
    apply_receipts: Callable[[str], Awaitable[object]] | None = None,
) -> None:
    """Receipts that overtook the send's answer (through `apply_receipts` when the caller batches them), then the
    event."""
    if apply_receipts is None:
        await receipts.apply_pending_receipts(key_id, now=now)
    else:
        await apply_receipts(key_id)
    events.publish(events.MESSAGE_SENT, message_id=message_id, campaign_id=campaign_id, key_id=key_id)


async def pause_instance_campaigns(instance_id: int, *, reason: str, now: datetime) -> list[int]:
    """An InstanceDown outcome is a state change like any other: the one rule records it and pauses the campaigns."""
    change = await connection_changed(instance_id, ConnectionState.CLOSE, reason, now=now)
    if change.paused:
        log.warning("instance %s down (%s): paused campaigns %s", instance_id, reason, change.paused)
    return change.paused


async def expire_due(now: datetime) -> list[int]:
    """Live campaigns whose expiry has come: the rest is SKIPPED "Expired" and they complete (one rule:
    models/campaigns/lifecycle.expire)."""
    expired: list[int] = []
    for campaign_id in await sending.expired_campaigns(now):
        try:
            await lifecycle.expire(campaign_id, now=now)
        except IllegalTransition:
            continue  # a user or another sender moved it first
        log.info("campaign %s expired", campaign_id)
        expired.append(campaign_id)
    return expired


async def complete_finished(now: datetime) -> list[int]:
    """RUNNING campaigns with nothing PENDING or SENDING left become COMPLETED."""
    completed: list[int] = []
    for campaign_id in await sending.finished_running_campaigns():
        try:
            await lifecycle.apply(campaign_id, lifecycle.Action.COMPLETE, owner_id=None, now=now)
        except IllegalTransition:
            continue
        completed.append(campaign_id)
    return completed
