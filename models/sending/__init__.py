"""Sending, as the database sees it: claims, outcomes, stale leases, counts. Engine differences live only here."""

from models.sending._claims import claim_batch, interval_seconds
from models.sending._precheck import (
    CHECK_INTERVAL,
    NOT_ON_WHATSAPP,
    CheckBatch,
    CheckProgress,
    CheckResult,
    apply_results,
    check_batches,
    check_progress,
    known_results,
    not_on_whatsapp,
    request_check,
)
from models.sending._recovery import (
    counts_by_status,
    due_scheduled_campaigns,
    finished_running_campaigns,
    known_key_ids,
    sent_since,
    stale_claims,
    take_over,
    upcoming_scheduled_campaigns,
)
from models.sending._results import SentRecord, record_failed, record_retry, record_sent, record_sent_many
from models.sending._types import Claimed, Planner, SlotPlan, StaleClaim

__all__ = [
    "CHECK_INTERVAL",
    "NOT_ON_WHATSAPP",
    "CheckBatch",
    "CheckProgress",
    "CheckResult",
    "Claimed",
    "Planner",
    "SentRecord",
    "SlotPlan",
    "StaleClaim",
    "apply_results",
    "check_batches",
    "check_progress",
    "claim_batch",
    "counts_by_status",
    "due_scheduled_campaigns",
    "finished_running_campaigns",
    "interval_seconds",
    "known_key_ids",
    "known_results",
    "not_on_whatsapp",
    "record_failed",
    "record_retry",
    "record_sent",
    "record_sent_many",
    "request_check",
    "sent_since",
    "stale_claims",
    "take_over",
    "upcoming_scheduled_campaigns",
]
