"""Sending, as the database sees it: claims, outcomes, stale leases, counts. Engine differences live only here."""

from models.sending._claims import claim_batch, interval_seconds
from models.sending._recovery import (
    beat,
    claim_holders,
    counts_by_status,
    due_scheduled_campaigns,
    finished_running_campaigns,
    forget_workers,
    known_key_ids,
    sent_since,
    silent_workers,
    stale_claims,
    take_over,
    upcoming_scheduled_campaigns,
)
from models.sending._results import SentRecord, record_failed, record_retry, record_sent, record_sent_many
from models.sending._types import Claimed, Planner, SlotPlan, StaleClaim

__all__ = [
    "Claimed",
    "Planner",
    "SentRecord",
    "SlotPlan",
    "StaleClaim",
    "beat",
    "claim_batch",
    "claim_holders",
    "counts_by_status",
    "due_scheduled_campaigns",
    "finished_running_campaigns",
    "forget_workers",
    "interval_seconds",
    "known_key_ids",
    "record_failed",
    "record_retry",
    "record_sent",
    "record_sent_many",
    "sent_since",
    "silent_workers",
    "stale_claims",
    "take_over",
    "upcoming_scheduled_campaigns",
]
