"""Create, update and delete campaigns, enforcing the field rules and the status rules (edit, delete)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from piccolo.columns import Column

from models.campaigns import history, lifecycle
from models.campaigns.history import Who
from models.campaigns.numbers import numbers_of, save_numbers
from models.campaigns.rules import CampaignInput, checked, message_errors, number_errors, pacing_errors
from models.db import atomic
from models.errors import N_, IllegalTransition, ImportRejected, Message, ValidationFailed
from models.media_files import discard_stored
from models.ownership import get_own
from models.recipients import ImportReport, import_inline
from models.sending.pacing import SendWindow
from models.statuses import CampaignStatus, status_word
from models.tables import Campaign, CampaignMessage

__all__ = ["CampaignInput", "create", "create_with_recipients", "delete", "get", "update"]


def edit_refusal(status: str) -> str:
    return Message(N_("Cannot edit a campaign that is %(status)s."), status=status_word(status))


def delete_refusal(status: str) -> str:
    return Message(N_("Cannot delete a campaign that is %(status)s."), status=status_word(status))


def _status_for(data: CampaignInput) -> str:
    """A schedule makes the campaign SCHEDULED; without one it waits, DRAFT, to be started by hand."""
    return (CampaignStatus.SCHEDULED if data.scheduled_for else CampaignStatus.DRAFT).value


def _columns(data: CampaignInput) -> dict[str, Any]:
    """The row's columns and status; without a media URL the media's type and file name are stored blank."""
    columns = data.columns()
    if not data.media_url:
        columns.update(media_type="", media_filename="")
    return {**columns, **_pacing_columns(data), "status": _status_for(data)}


def _pacing_columns(data: CampaignInput) -> dict[str, Any]:
    """The pacing fields as stored (the window as normalised JSON text); editable while PAUSED too."""
    window = SendWindow.from_json(data.send_window)
    return {
        "send_window": window.to_json() if window else None,
        "timezone": data.timezone,
        "expires_at": data.expires_at,
        "frequency_cap_hours": data.frequency_cap_hours,
    }


async def get(campaign_id: int, *, owner_id: int) -> Campaign:
    return await get_own(Campaign, campaign_id, owner_id, label="Campaign")


async def create(data: CampaignInput, *, owner_id: int, now: datetime, max_rate: int) -> Campaign:
    """A new DRAFT (or SCHEDULED) campaign with no recipients yet."""
    data = await checked(data, owner_id=owner_id, now=now, max_rate=max_rate)
    campaign = Campaign(owner=owner_id, created_at=now, updated_at=now, **_columns(data))
    async with atomic():
        await campaign.save()
        await save_numbers(campaign.id, data.instance_id, data.instance_ids)
    return campaign


async def create_with_recipients(
    data: CampaignInput,
    recipients: Sequence[Mapping[str, Any]],
    *,
    owner_id: int,
    now: datetime,
    max_rate: int,
    max_recipients: int,
    default_region: str,
) -> tuple[Campaign, ImportReport]:
    """The API's create: campaign and inline recipients together; if the recipients are refused, nothing stays."""
    if not recipients:
        raise ValidationFailed({"recipients": N_("Give at least 1 recipient.")})
    if len(recipients) > max_recipients:
        raise ValidationFailed(
            {
                "recipients": Message(
                    N_("Too many recipients: %(length)s; a campaign holds at most %(limit)s."),
                    length=len(recipients),
                    limit=max_recipients,
                )
            }
        )
    campaign = await create(data, owner_id=owner_id, now=now, max_rate=max_rate)
    try:
        report = await import_inline(
            campaign.id,
            recipients,
            owner_id=owner_id,
            default_region=default_region,
            max_recipients=max_recipients,
            now=now,
        )
    except (ImportRejected, ValidationFailed) as refused:
        await Campaign.delete().where(Campaign.id == campaign.id)
        if isinstance(refused, ValidationFailed):
            raise
        raise ValidationFailed({"recipients": refused.message}) from refused
    return await get(campaign.id, owner_id=owner_id), report


def paused_refusal(fields: list[str]) -> str:
    return Message(
        N_("While a campaign is PAUSED only its message, rate and pacing can change, not: %(choices)s."),
        choices=", ".join(fields),
    )


def _minute(value: datetime | None) -> datetime | None:
    return value.replace(second=0, microsecond=0) if value else None


def _fixed_fields_changed(current: Campaign, data: CampaignInput) -> list[str]:
    """The fields outside PAUSED_EDITABLE_FIELDS that `data` changes (the page form shows the schedule to the
    minute, so the schedule is compared to the minute)."""
    stored = {
        "name": current.name,
        "instance_id": current.instance,
        "template_id": current.template,
        "media_url": current.media_url,
        "media_type": current.media_type,
        "media_filename": current.media_filename,
        "max_retries": current.max_retries,
        "scheduled_for": _minute(current.scheduled_for),
    }
    given = {
        "name": data.name.strip(),
        "instance_id": data.instance_id,
        "template_id": data.template_id,
        "media_url": data.media_url.strip(),
        "media_type": data.media_type.strip() if data.media_url.strip() else "",
        "media_filename": data.media_filename if data.media_url.strip() else "",
        "max_retries": data.max_retries,
        "scheduled_for": _minute(data.scheduled_for),
    }
    return [name for name, value in given.items() if value != stored[name]]


def _same_numbers(given: tuple[int, ...], stored: list[int]) -> bool:
    """The same first number and the same others (the page form cannot say their order)."""
    return given[:1] == tuple(stored[:1]) and set(given) == set(stored)


async def _update_paused(current: Campaign, data: CampaignInput, *, now: datetime, max_rate: int) -> Campaign:
    """A PAUSED campaign takes a new message and rate; the claim reads both from the campaign row, so every
    message still pending goes out with them after resume."""
    changed = _fixed_fields_changed(current, data)
    if data.instance_ids is not None and not _same_numbers(data.instance_ids, await numbers_of(current)):
        changed.append("instance_ids")
    if changed:
        raise IllegalTransition(paused_refusal(changed))
    data = replace(data, timezone=data.timezone.strip() or current.timezone)
    errors = {
        **message_errors(data.message, has_media=bool(current.media_url)),
        **number_errors(data.rate_limit, current.max_retries, max_rate),
        **pacing_errors(data, now=now, keeps_expiry=data.expires_at == current.expires_at),
    }
    if errors:
        raise ValidationFailed(errors)
    done = (
        await Campaign.update(
            {
                Campaign.message: data.message,
                Campaign.rate_limit: data.rate_limit,
                Campaign.updated_at: now,
                **{getattr(Campaign, name): value for name, value in _pacing_columns(data).items()},
            }
        )
        .where((Campaign.id == current.id) & (Campaign.status == CampaignStatus.PAUSED.value))
        .returning(Campaign.id)
    )
    if not done:  # resumed (or cancelled) between the read and the write
        raise IllegalTransition(edit_refusal((await get(current.id, owner_id=current.owner)).status))
    return await get(current.id, owner_id=current.owner)


async def update(
    campaign_id: int, data: CampaignInput, *, owner_id: int, now: datetime, max_rate: int, who: Who | None = None
) -> Campaign:
    """Change a DRAFT or SCHEDULED campaign (the schedule decides which of the two it is afterwards), or the
    message and rate of a PAUSED one; the edit goes into the campaign's history."""
    current = await get(campaign_id, owner_id=owner_id)
    updated = await _update(current, data, now=now, max_rate=max_rate)
    await history.record(campaign_id, "edit", current.status, updated.status, who=who, now=now)
    return updated


async def _update(current: Campaign, data: CampaignInput, *, now: datetime, max_rate: int) -> Campaign:
    campaign_id, owner_id = current.id, current.owner
    if current.status == CampaignStatus.PAUSED.value:
        return await _update_paused(current, data, now=now, max_rate=max_rate)
    if not lifecycle.can_edit(current.status):
        raise IllegalTransition(edit_refusal(current.status))
    data = await checked(
        data,
        owner_id=owner_id,
        now=now,
        max_rate=max_rate,
        stored_schedule=current.scheduled_for,
        stored_expiry=current.expires_at,
    )
    changes: dict[Column | str, Any] = {key: value for key, value in _columns(data).items()}
    changes["updated_at"] = now
    changes["pause_reason"] = ""  # a "not started at its scheduled time" note is answered by the edit
    editable = [s.value for s in lifecycle.EDITABLE]
    async with atomic():
        changed = (
            await Campaign.update(changes)
            .where((Campaign.id == campaign_id) & (Campaign.owner == owner_id) & Campaign.status.is_in(editable))
            .returning(Campaign.id)
        )
        if changed:
            await save_numbers(campaign_id, data.instance_id, data.instance_ids, replaced=current.instance)
    if not changed:  # the sender started it between the read and the write
        raise IllegalTransition(edit_refusal((await get(campaign_id, owner_id=owner_id)).status))
    return await get(campaign_id, owner_id=owner_id)


async def delete(campaign_id: int, *, owner_id: int) -> None:
    """Delete a campaign that is not live, with its recipients, in one transaction."""
    current = await get(campaign_id, owner_id=owner_id)
    if not lifecycle.can_delete(current.status):
        raise IllegalTransition(delete_refusal(current.status))
    deletable = [s.value for s in lifecycle.DELETABLE]
    async with atomic():
        gone = (
            await Campaign.delete()
            .where((Campaign.id == campaign_id) & (Campaign.owner == owner_id) & Campaign.status.is_in(deletable))
            .returning(Campaign.id)
        )
        if not gone:
            raise IllegalTransition(delete_refusal((await get(campaign_id, owner_id=owner_id)).status))
        await CampaignMessage.delete().where(CampaignMessage.campaign == campaign_id)
    await asyncio.to_thread(discard_stored, current.media_upload)  # its uploaded media file goes with it
