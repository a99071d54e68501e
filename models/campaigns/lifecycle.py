"""The ONE function that moves a campaign between statuses; every other path is refused with a clear message.

DRAFT -> SCHEDULED -> RUNNING -> COMPLETED; RUNNING <-> PAUSED; SCHEDULED/RUNNING/PAUSED -> CANCELLED;
RUNNING -> FAILED; PAUSED/COMPLETED/FAILED -> PAUSED by "retry failed" (the failures go back to PENDING and the
campaign waits, paused, for the user to press resume). Each transition is one conditional UPDATE
(`... WHERE status IN (allowed)`), so two processes (or a click and the sender) can never both win.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from models import events
from models.errors import N_, IllegalTransition
from models.ownership import not_found
from models.statuses import CampaignStatus as S
from models.tables import Campaign


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
}
# Stored in English (pause_reason is data); pages look the stored text up in the catalogue (views/i18n.stored).
RETRY_REASON = N_("Retrying failed recipients — press resume.")
USER_PAUSE_REASON = N_("Paused by the user.")

EVENT_BY_TARGET = {
    S.RUNNING: events.CAMPAIGN_STARTED,
    S.PAUSED: events.CAMPAIGN_PAUSED,
    S.COMPLETED: events.CAMPAIGN_COMPLETED,
    S.CANCELLED: events.CAMPAIGN_CANCELLED,
    S.FAILED: events.CAMPAIGN_FAILED,
}

EDITABLE = frozenset({S.DRAFT, S.SCHEDULED})
DELETABLE = frozenset({S.DRAFT, S.COMPLETED, S.FAILED, S.CANCELLED})
VERBS = {
    Action.START: "start",
    Action.PAUSE: "pause",
    Action.RESUME: "resume",
    Action.CANCEL: "cancel",
    Action.SCHEDULE: "schedule",
    Action.UNSCHEDULE: "unschedule",
    Action.COMPLETE: "complete",
    Action.FAIL: "fail",
    Action.AUTO_PAUSE: "pause",
    Action.AUTO_RESUME: "resume",
    Action.RETRY_FAILED: "retry the failed recipients of",
}


def allowed_actions(status: S | str) -> list[Action]:
    """The user actions the current status allows (the pages draw one button each)."""
    current = S(status)
    buttons = (Action.RESUME, Action.CANCEL) if current is S.PAUSED else (Action.START, Action.PAUSE, Action.CANCEL)
    return [a for a in buttons if current in TRANSITIONS[a][0]]


def can_edit(status: S | str) -> bool:
    return S(status) in EDITABLE


def can_delete(status: S | str) -> bool:
    return S(status) in DELETABLE


def can_retry_failed(status: S | str) -> bool:
    """Retry is offered only where it is allowed: never while the sender is working on the campaign."""
    return S(status) in TRANSITIONS[Action.RETRY_FAILED][0]


def refusal(action: Action, status: S | str) -> str:
    return f"Cannot {VERBS[action]} a campaign that is {S(status).value}."


def _changes(action: Action, target: S, now: datetime, reason: str) -> dict[Any, Any]:
    changes: dict[Any, Any] = {Campaign.status: target.value, Campaign.updated_at: now}
    if target is S.RUNNING:
        changes.update({Campaign.pause_reason: "", Campaign.auto_paused: False, Campaign.next_send_at: now})
    if target is S.PAUSED:
        changes[Campaign.pause_reason] = reason or USER_PAUSE_REASON
        changes[Campaign.auto_paused] = action is Action.AUTO_PAUSE
        if action is Action.RETRY_FAILED:
            changes[Campaign.completed_at] = None
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
) -> Campaign:
    """Move the campaign by `action`, or raise IllegalTransition naming its current status.

    `owner_id=None` is for the sender acting on its own (completion, instance down); pages and the API always
    pass the user, so a campaign of another user is NotFoundOrNotYours.
    """
    try:
        action = Action(action)
    except ValueError:
        raise IllegalTransition(f"Unknown action {action!r}: use start, pause, resume or cancel.") from None
    sources, target = TRANSITIONS[action]
    where: Any = (Campaign.id == campaign_id) & Campaign.status.is_in([s.value for s in sources])
    if owner_id is not None:
        where &= Campaign.owner == owner_id
    if action is Action.AUTO_RESUME:
        where &= Campaign.auto_paused == True  # noqa: E712  (only what Arauto paused resumes by itself)
    changed = await Campaign.update(_changes(action, target, now, reason)).where(where).returning(Campaign.id)
    if action is Action.START and changed:
        await Campaign.update({Campaign.started_at: now}).where(
            (Campaign.id == campaign_id) & Campaign.started_at.is_null()
        )
    campaign = await _load(campaign_id, owner_id)
    if not changed:
        raise IllegalTransition(refusal(action, campaign.status))
    events.publish(
        EVENT_BY_TARGET.get(target, f"campaign.{target.value.lower()}"),
        campaign_id=campaign_id,
        action=action.value,
        reason=reason,
    )
    return campaign


async def _load(campaign_id: int, owner_id: int | None) -> Campaign:
    where: Any = Campaign.id == campaign_id
    if owner_id is not None:
        where &= Campaign.owner == owner_id
    campaign = await Campaign.objects().where(where).first()
    if campaign is None:
        raise not_found("Campaign", campaign_id)
    return campaign
