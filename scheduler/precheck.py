"""The number pre-check's pass: ask Evolution about the numbers waiting for a check, one batch per instance at its
own pace (models.sending decides which and when), and store what it answered. A failed call stores nothing:
nobody is skipped, the numbers stay unchecked and are asked about again at the instance's next check slot."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from models import sending
from scheduler.evolution import EvolutionClient

log = logging.getLogger("arauto.precheck")


@dataclass
class CheckTally:
    resolved: int = 0
    skipped: int = 0
    failed_batches: int = 0


async def check_numbers(client: EvolutionClient, *, now: datetime) -> CheckTally:
    """One round: every instance with numbers waiting asks about one batch (concurrently across instances)."""
    tally = CheckTally()
    batches = await sending.check_batches(now=now)
    await asyncio.gather(*(_check(client, batch, tally, now=now) for batch in batches))
    return tally


async def _check(client: EvolutionClient, batch: sending.CheckBatch, tally: CheckTally, *, now: datetime) -> None:
    answer = await client.check_numbers(batch.address, list(batch.phones), batch_size=len(batch.phones))
    if not isinstance(answer, tuple):
        tally.failed_batches += 1
        log.warning("number check on instance %s failed, will ask again: %s", batch.instance_id, answer.reason)
        return
    asked = set(batch.phones)
    results = [
        sending.CheckResult(phone=row.number, on_whatsapp=row.exists, jid=row.jid if row.exists else "")
        for row in answer
        if row.number in asked
    ]
    tally.skipped += await sending.apply_results(batch.owner_id, results, now=now)
    tally.resolved += sum(1 for r in results if r.on_whatsapp)
