"""Pure-ish decisions about one outcome: when to retry, and reconciling an ambiguous send straight away."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from models.sending import Claimed
from scheduler.backoff import retry_delay
from scheduler.evolution import Ambiguous, Failure, NotSent, SendResult, Sent
from scheduler.reconcile import Finder, find_our_send

log = logging.getLogger("arauto.dispatcher")


def retry_time(claim: Claimed, result: SendResult, *, now: datetime, rng: random.Random | None) -> datetime | None:
    """When to try again, or None when the message must fail now (permanent, or out of retries)."""
    if not isinstance(result, NotSent | Ambiguous):
        return None  # RecipientRejected, Rejected: retrying the same request cannot help
    attempt = claim.attempts + 1
    if attempt > claim.max_retries:
        return None
    retry_after = result.retry_after if isinstance(result, NotSent) else None
    return now + timedelta(seconds=retry_delay(attempt, retry_after=retry_after, rng=rng))


async def reconcile_now(client: Finder, claim: Claimed) -> SendResult | None:
    """Sent if Evolution has it, Ambiguous (to retry with backoff) if it has not; None if we cannot ask now."""
    found = await find_our_send(client, claim, since=claim.claimed_at)
    if found is None:
        log.info("message %s: not found on Evolution after an unclear send, will retry", claim.message_id)
        return Ambiguous("The send did not complete and Evolution has no trace of it")
    if isinstance(found, Failure):
        return None
    log.info("message %s: reconciled as sent (%s)", claim.message_id, found.key_id)
    return Sent(key_id=found.key_id, remote_jid=found.remote_jid, timestamp=found.timestamp)
