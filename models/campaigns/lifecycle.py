"""The ONE function that moves a campaign between statuses; every other path is refused with a clear message.

DRAFT -> SCHEDULED -> RUNNING -> COMPLETED; RUNNING <-> PAUSED; SCHEDULED/RUNNING/PAUSED -> CANCELLED;
RUNNING -> FAILED; PAUSED/COMPLETED/FAILED -> PAUSED by "retry failed" (the failures go back to PENDING and the
campaign waits, paused, for the user to press resume). Each transition is one conditional UPDATE
(`... WHERE status IN (allowed)`), so two processes (or a click and the sender) can never both win.

A move to RUNNING also needs an instance and at least one recipient, in the same UPDATE, so no caller (page, API,
the scheduled sweep, a resume) can skip the check or race it. The first start freezes the campaign's lists into its
messages in the same transaction as that UPDATE, so lists that give someone make a campaign startable, and later
list changes never reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from models import events
from models.campaigns.history import Who, record
from models.contacts.audience import freeze_lists
from models.db import atomic
from models.errors import N_, IllegalTransition, Message
from models.ownership import not_found
from models.sending.pacing import EXPIRED
from models.statuses import CampaignStatus as S
from models.statuses import MessageStatus, status_word
from models.tables import Campaign, CampaignMessage


class Action(StrEnum):
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    COMPLETE = "complete"
    FAIL = "fail"
    AUTO_PAUSE = "auto_pause"  # the instance went down: Arauto pauses, and resumes by itself on reconnect
    AUTO_RESUME = "auto_resume"
    RETRY_FAILED = "retry_failed"  # failed recipients back to PENDING; the campaign waits paused for resume
    EXPIRE = "expire"  # its expiresAt came: what is pending is SKIPPED "Expired" and it completes (`expire`)


USER_ACTIONS = frozenset({Action.START, Action.PAUSE, Action.RESUME, Action.CANCEL})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[S], S]] = {
    Action.SCHEDULE: (frozenset({S.DRAFT, S.SCHEDULED}), S.SCHEDULED),
    Action.UNSCHEDULE: (frozenset({S.SCHEDULED}), S.DRAFT),
    Action.START: (frozenset({S.DRAFT, S.SCHEDULED, S.PAUSED}), S.RUNNING),
    Action.PAUSE: (frozenset({S.RUNNING}), S.PAUSED),
    Action.RESUME: (frozenset({S.PAUSED}), S.RUNNING),
    Action.CANCEL: (frozenset({S.SCHEDULED, S.RUNNING, S.PAUSED}), S.CANCELLED),
    Action.COMPLETE: (frozenset({S.RUNNING}), S.COMPLETED),
    Action.FAIL: (frozenset({S.RUNNING}), S.FAILED),
    Action.AUTO_PAUSE: (frozenset({S.RUNNING}), S.PAUSED),
    Action.AUTO_RESUME: (frozenset({S.PAUSED}), S.RUNNING),
    Action.RETRY_FAILED: (frozenset({S.PAUSED, S.COMPLETED, S.FAILED}), S.PAUSED),
    Action.EXPIRE: (frozenset({S.SCHEDULED, S.RUNNING, S.PAUSED}), S.COMPLETED),
}
# Stored in English (pause_reason is data); pages look the stored text up in the catalogue (views/i18n.stored).
RETRY_REASON = N_("Retrying failed recipients — press resume.")
USER_PAUSE_REASON = N_("Paused by the user.")
NO_INSTANCE = N_("Cannot start a campaign without a WhatsApp instance: choose one first.")
NO_RECIPIENTS = N_("Cannot start a campaign without recipients: import some first.")
NOT_STARTED_ON_SCHEDULE = N_("Not started at its scheduled time.")
EXPIRED_REASON = N_("Expired: the messages not yet sent were skipped.")
# Stored alone (one message id, never two joined) so the page can look the whole reason up in its catalogue.
NOT_STARTED_BECAUSE = {
    NO_INSTANCE: N_(
        "Not started at its scheduled time: it has no WhatsApp number. Choose one, then schedule it again."
    ),
    NO_RECIPIENTS: N_("Not started at its scheduled time: it has no recipients. Import some, then schedule it again."),
}

EVENT_BY_TARGET = {
    S.RUNNING: events.CAMPAIGN_STARTED,
    S.PAUSED: events.CAMPAIGN_PAUSED,
    S.COMPLETED: events.CAMPAIGN_COMPLETED,
    S.CANCELLED: events.CAMPAIGN_CANCELLED,
    S.FAILED: events.CAMPAIGN_FAILED,
}

EDITABLE = frozenset({S.DRAFT, S.SCHEDULED})  # every field, and the recipients
# While PAUSED only what the sender reads from the campaign at claim time may change: pending messages render from
# the campaign's message then, and the slots follow its rate and its pacing (window, zone, expiry, frequency cap).
PAUSED_EDITABLE_FIELDS = frozenset(
    {"message", "rate_limit", "send_window", "timezone", "expires_at", "frequency_cap_hours"}
)
DELETABLE = frozenset({S.DRAFT, S.COMPLETED, S.FAILED, S.CANCELLED})
# One whole sentence per action, so each language can build it its own way.
REFUSALS = {
    Action.START: N_("Cannot start a campaign that is %(status)s."),
    Action.PAUSE: N_("Cannot pause a campaign that is %(status)s."),
    Action.RESUME: N_("Cannot resume a campaign that is %(status)s."),
    Action.CANCEL: N_("Cannot cancel a campaign that is %(status)s."),
    Action.SCHEDULE: N_("Cannot schedule a campaign that is %(status)s."),
    Action.UNSCHEDULE: N_("Cannot unschedule a campaign that is %(status)s."),
    Action.COMPLETE: N_("Cannot complete a campaign that is %(status)s."),
    Action.FAIL: N_("Cannot fail a campaign that is %(status)s."),
    Action.AUTO_PAUSE: N_("Cannot pause a campaign that is %(status)s."),
    Action.AUTO_RESUME: N_("Cannot resume a campaign that is %(status)s."),
    Action.RETRY_FAILED: N_("Cannot retry the failed recipients of a campaign that is %(status)s."),
    Action.EXPIRE: N_("Cannot expire a campaign that is %(status)s."),
}


def allowed_actions(status: S | str) -> list[Action]:
    """The user actions the current status allows (the pages draw one button each)."""
    current = S(status)
    buttons = (Action.RESUME, Action.CANCEL) if current is S.PAUSED else (Action.START, Action.PAUSE, Action.CANCEL)
    return [a for a in buttons if current in TRANSITIONS[a][0]]


def can_edit(status: S | str) -> bool:
    """Every field and the recipients (DRAFT, SCHEDULED)."""
    return S(status) in EDITABLE


def can_edit_message(status: S | str) -> bool:
    """The message, the rate and the pacing: also while PAUSED (see PAUSED_EDITABLE_FIELDS)."""
    return S(status) in EDITABLE or S(status) is S.PAUSED


def can_delete(status: S | str) -> bool:
    return S(status) in DELETABLE


def can_retry_failed(status: S | str) -> bool:
    """Retry is offered only where it is allowed: never while the sender is working on the campaign."""
    return S(status) in TRANSITIONS[Action.RETRY_FAILED][0]


def refusal(action: Action, status: S | str) -> Message:
    return Message(REFUSALS[action], status=status_word(S(status).value))


class NotStartable(IllegalTransition):
    """The status allows the move to RUNNING, but the campaign lacks what sending needs (409, like any refusal)."""


def _startable() -> Any:
    """The preconditions of RUNNING as a WHERE clause, so they hold at the moment of the UPDATE itself."""
    return Campaign.instance.is_not_null() & (Campaign.total_recipients > 0)


def start_refusal(campaign: Campaign) -> str | None:
    """Why this campaign may not run (None when it may): the same words for every caller."""
    if campaign.instance is None:
        return NO_INSTANCE
    if campaign.total_recipients <= 0:
        return NO_RECIPIENTS
    return None


def _changes(action: Action, target: S, now: datetime, reason: str) -> dict[Any, Any]:
    changes: dict[Any, Any] = {Campaign.status: target.value, Campaign.updated_at: now}
    if target is S.RUNNING:
        changes.update({Campaign.pause_reason: "", Campaign.auto_paused: False, Campaign.next_send_at: now})
    if target is S.PAUSED:
        changes[Campaign.pause_reason] = reason or USER_PAUSE_REASON
        changes[Campaign.auto_paused] = action is Action.AUTO_PAUSE
        if action is Action.RETRY_FAILED:
            changes[Campaign.completed_at] = None
    if target is S.DRAFT:
        changes[Campaign.pause_reason] = reason
    if target in (S.COMPLETED, S.CANCELLED, S.FAILED):
        changes[Campaign.completed_at] = now
        if reason:
            changes[Campaign.pause_reason] = reason
    return changes


async def apply(
    campaign_id: int,
    action: Action | str,
    *,
    owner_id: int | None,
    now: datetime,
    reason: str = "",
    who: Who | None = None,
) -> Campaign:
    """Move the campaign by `action`, or raise IllegalTransition naming its current status; the move and its
    history row (`who`: actor and source; the scheduler when not given) are one transaction.

    `owner_id=None` is for the sender acting on its own (completion, instance down); pages and the API always
    pass the user, so a campaign of another user is NotFoundOrNotYours.
    """
    try:
        action = Action(action)
    except ValueError:
        raise IllegalTransition(
            Message(N_("Unknown action “%(action)s”: use start, pause, resume or cancel."), action=action)
        ) from None
    sources, target = TRANSITIONS[action]
    where: Any = (Campaign.id == campaign_id) & Campaign.status.is_in([s.value for s in sources])
    if owner_id is not None:
        where &= Campaign.owner == owner_id
    if action is Action.AUTO_RESUME:
        where &= Campaign.auto_paused == True  # noqa: E712  (only what Arauto paused resumes by itself)
    if target is S.RUNNING:
        where &= _startable()
    changes = _changes(action, target, now, reason)
    history = _History(action.value, target.value, who, reason)
    if action is Action.START:
        changed = await _start(campaign_id, where, changes, now, history)
    else:
        async with atomic():
            before = await Campaign.select(Campaign.status).where(Campaign.id == campaign_id).first()
            changed = await Campaign.update(changes).where(where).returning(Campaign.id)
            if changed and before is not None:
                await history.record(campaign_id, before["status"], now)
    campaign = await _load(campaign_id, owner_id)
    if not changed:
        why = start_refusal(campaign) if target is S.RUNNING and S(campaign.status) in sources else None
        raise NotStartable(why) if why else IllegalTransition(refusal(action, campaign.status))
    events.publish(
        EVENT_BY_TARGET.get(target, f"campaign.{target.value.lower()}"),
        campaign_id=campaign_id,
        action=action.value,
        reason=reason,
    )
    return campaign


class _NotMoved(Exception):
    """Undoes a start's freeze when its UPDATE matched nothing."""


@dataclass(frozen=True)
class _History:
    """The history row a move writes in its own transaction (models/campaigns/history.py)."""

    action: str
    target: str
    who: Who | None
    reason: str

    async def record(self, campaign_id: int, before: str, now: datetime) -> None:
        await record(campaign_id, self.action, before, self.target, who=self.who, now=now, reason=self.reason)


async def _start(campaign_id: int, where: Any, changes: dict[Any, Any], now: datetime, history: _History) -> list[Any]:
    """The move to RUNNING; on the first start, the lists frozen into messages first, all in one transaction with
    its history row (a refused start rolls the frozen messages back)."""
    try:
        async with atomic():
            before = await Campaign.select(Campaign.status).where(Campaign.id == campaign_id).first()
            first = (
                await Campaign.select(Campaign.owner)
                .where((Campaign.id == campaign_id) & Campaign.started_at.is_null())
                .first()
            )
            if first is not None:
                await freeze_lists(campaign_id, owner_id=int(first["owner"]))
            changed: list[Any] = await Campaign.update(changes).where(where).returning(Campaign.id)
            if not changed:
                raise _NotMoved
            await Campaign.update({Campaign.started_at: now}).where(
                (Campaign.id == campaign_id) & Campaign.started_at.is_null()
            )
            if before is not None:
                await history.record(campaign_id, before["status"], now)
    except _NotMoved:
        return []
    return changed


async def expire(campaign_id: int, *, now: datetime) -> Campaign:
    """At its `expiresAt`: the PENDING messages become SKIPPED "Expired" and the counters move, and the campaign
    completes (history: the scheduler) — one transaction, so a refused move leaves the messages as they were.
    Messages already in flight (SENDING) finish as they would have."""
    async with atomic():
        skipped = (
            await CampaignMessage.update(
                {
                    CampaignMessage.status: MessageStatus.SKIPPED.value,
                    CampaignMessage.error: EXPIRED,
                    CampaignMessage.failed_at: now,
                }
            )
            .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.status == MessageStatus.PENDING.value))
            .returning(CampaignMessage.id)
        )
        if skipped:
            await Campaign.update(
                {
                    Campaign.skipped_count: Campaign.skipped_count + len(skipped),
                    Campaign.pending_count: Campaign.pending_count - len(skipped),
                }
            ).where(Campaign.id == campaign_id)
        return await apply(campaign_id, Action.EXPIRE, owner_id=None, now=now, reason=EXPIRED_REASON)


async def start_when_due(campaign_id: int, *, now: datetime) -> Campaign:
    """The scheduled sweep's start. A campaign that may not run goes back to DRAFT with the reason (its page and
    `pauseReason` show it), so nothing is sent, and the sweep meets it once rather than on every pass. One whose
    expiry has passed (the server was down) never starts: it expires."""
    found = await Campaign.select(Campaign.expires_at).where(Campaign.id == campaign_id).first()
    if found is not None and found["expires_at"] is not None and found["expires_at"] <= now:
        return await expire(campaign_id, now=now)
    try:
        return await apply(campaign_id, Action.START, owner_id=None, now=now)
    except NotStartable as refused:
        reason = NOT_STARTED_BECAUSE.get(refused.message_id, NOT_STARTED_ON_SCHEDULE)
        return await apply(campaign_id, Action.UNSCHEDULE, owner_id=None, now=now, reason=reason)


async def _load(campaign_id: int, owner_id: int | None) -> Campaign:
    where: Any = Campaign.id == campaign_id
    if owner_id is not None:
        where &= Campaign.owner == owner_id
    campaign = await Campaign.objects().where(where).first()
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    return campaign
