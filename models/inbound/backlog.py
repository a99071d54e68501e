"""Webhook events stored but not applied: the application failed (a database error, a bug) or a receipt came before
its send was recorded. A periodic job tries them again, oldest tries first, a bounded number per pass and per event.

Applying is idempotent (`receipts.process_event` marks the event in the same transaction as its effects, and every
effect is a conditional UPDATE), so a second pass, or a pass racing the webhook, changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from models.inbound.receipts import Applied, apply_event
from models.tables import WebhookEvent

logger = logging.getLogger("arauto.receipts")
BATCH = 100  # events per pass
MAX_APPLY_ATTEMPTS = 10  # then the event is left as it is (a receipt for a message Arauto never sent, a poison event)


@dataclass
class BacklogPass:
    applied: int = 0
    waiting: int = 0
    failed: int = 0
    given_up: int = 0


async def apply_unapplied(*, now: datetime, limit: int = BATCH) -> BacklogPass:
    """One pass over the events not applied yet, fewest tries first; returns what it did."""
    rows = (
        await WebhookEvent.select(WebhookEvent.id, WebhookEvent.apply_attempts)
        .where(WebhookEvent.processed_at.is_null() & (WebhookEvent.apply_attempts < MAX_APPLY_ATTEMPTS))
        .order_by(WebhookEvent.apply_attempts)
        .order_by(WebhookEvent.id)
        .limit(limit)
    )
    tally = BacklogPass()
    for row in rows:
        outcome = await apply_event(int(row["id"]), now=now)
        setattr(tally, outcome.value, getattr(tally, outcome.value) + 1)
        if outcome is not Applied.APPLIED and int(row["apply_attempts"]) + 1 >= MAX_APPLY_ATTEMPTS:
            tally.given_up += 1
            level = logging.WARNING if outcome is Applied.FAILED else logging.INFO
            logger.log(level, "webhook event %s not applied after %d tries; left as is", row["id"], MAX_APPLY_ATTEMPTS)
    return tally
