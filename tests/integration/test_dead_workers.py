"""Claims of a dead worker are reconciled at once, not after the lease: a predecessor on this host whose process
is gone, or a worker whose heartbeat fell silent; a live worker's young claims are left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest

from models import sending
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage
from scheduler.evolution import EvolutionClient
from scheduler.recovery import reconcile_dead
from scheduler.workers import SILENT_AFTER_SECONDS, this_host
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import phones, sandbox_instance

ME = f"{this_host()}:{os.getpid()}:current0"


@pytest.fixture
async def evolution():
    async with EvolutionClient(read_timeout=0.3, connect_timeout=0.5) as client:
        yield client


def gone_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def claimed_by(worker: str, make_user: Any, sandbox: Any, clock: Any, *, seconds_ago: float = 1) -> Any:
    """A RUNNING campaign with one message `worker` claimed `seconds_ago` (well within the 120 s lease)."""
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows(phones(1)), status=CampaignStatus.RUNNING
    )
    await CampaignMessage.update(
        {
            CampaignMessage.status: MessageStatus.SENDING.value,
            CampaignMessage.claimed_by: worker,
            CampaignMessage.claimed_at: clock.now() - timedelta(seconds=seconds_ago),
        }
    ).where(CampaignMessage.campaign == campaign.id)
    return campaign


async def status_of(campaign: Any) -> Any:
    return (await CampaignMessage.objects().get(CampaignMessage.campaign == campaign.id)).status


async def test_a_dead_predecessors_young_claim_on_this_host_is_reconciled_at_once(
    db, sandbox, clock, evolution, make_user
) -> None:
    campaign = await claimed_by(f"{this_host()}:{gone_pid()}:dead0000", make_user, sandbox, clock)
    tally = await reconcile_dead(evolution, worker=ME, now=clock.now(), judge_silence=False)
    assert tally == {"sent": 0, "pending": 1, "unreachable": 0}
    assert await status_of(campaign) == MessageStatus.PENDING


async def test_a_claim_of_a_live_process_on_this_host_is_left_alone(db, sandbox, clock, evolution, make_user) -> None:
    campaign = await claimed_by(f"{this_host()}:{os.getppid()}:alive000", make_user, sandbox, clock)
    tally = await reconcile_dead(evolution, worker=ME, now=clock.now(), judge_silence=True)
    assert tally == {}
    assert await status_of(campaign) == MessageStatus.SENDING


async def test_a_silent_worker_on_another_host_loses_its_claims_and_a_beating_one_keeps_them(
    db, sandbox, clock, evolution, make_user
) -> None:
    silent, beating = "elsewhere-a:41:silent00", "elsewhere-b:42:beating0"
    silent_campaign = await claimed_by(silent, make_user, sandbox, clock)
    beating_campaign = await claimed_by(beating, make_user, sandbox, clock)
    await sending.beat(silent, now=clock.now() - timedelta(seconds=SILENT_AFTER_SECONDS + 1))
    await sending.beat(beating, now=clock.now() - timedelta(seconds=1))
    tally = await reconcile_dead(evolution, worker=ME, now=clock.now(), judge_silence=True)
    assert tally == {"sent": 0, "pending": 1, "unreachable": 0}
    assert await status_of(silent_campaign) == MessageStatus.PENDING
    assert await status_of(beating_campaign) == MessageStatus.SENDING


async def test_silence_is_not_judged_by_a_worker_that_was_not_beating_itself(
    db, sandbox, clock, evolution, make_user
) -> None:
    """After a database outage every worker is late: none is called dead until the judge has beaten steadily."""
    silent = "elsewhere-a:41:silent00"
    campaign = await claimed_by(silent, make_user, sandbox, clock)
    await sending.beat(silent, now=clock.now() - timedelta(seconds=SILENT_AFTER_SECONDS + 1))
    assert await reconcile_dead(evolution, worker=ME, now=clock.now(), judge_silence=False) == {}
    assert await status_of(campaign) == MessageStatus.SENDING
