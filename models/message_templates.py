"""Message templates: reusable text with {{variable}} placeholders and optional media, owned by one user."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from piccolo.columns import Column

from models.campaigns.rules import media_errors, message_errors, name_errors, nul_errors
from models.errors import N_, ValidationFailed
from models.ownership import get_own, owned_by
from models.tables import MessageTemplate


@dataclass(frozen=True)
class TemplateInput:
    name: str
    body: str
    media_url: str = ""
    media_type: str = ""


def _checked(data: TemplateInput) -> TemplateInput:
    """The input trimmed, or ValidationFailed naming each bad field."""
    data = replace(data, name=data.name.strip(), media_url=data.media_url.strip(), media_type=data.media_type.strip())
    errors = {
        **name_errors(data.name),
        **message_errors(
            data.body, has_media=bool(data.media_url), field="body", empty=N_("Write the message, or give a media URL.")
        ),
    }
    errors.update(media_errors(data.media_url, data.media_type, ""))
    errors.update(nul_errors({"name": data.name, "body": data.body, "media_url": data.media_url}))
    if errors:
        raise ValidationFailed(errors)
    return data


def _columns(data: TemplateInput) -> dict[str, Any]:
    return {
        "name": data.name,
        "body": data.body,
        "media_url": data.media_url,
        "media_type": data.media_type if data.media_url else "",
    }


async def list_templates(owner_id: int) -> list[MessageTemplate]:
    return list(
        await MessageTemplate.objects().where(owned_by(MessageTemplate, owner_id)).order_by(MessageTemplate.name)
    )


async def get(template_id: int, *, owner_id: int) -> MessageTemplate:
    return await get_own(MessageTemplate, template_id, owner_id, label="Template")


async def create(data: TemplateInput, *, owner_id: int, now: datetime) -> MessageTemplate:
    template = MessageTemplate(owner=owner_id, created_at=now, updated_at=now, **_columns(_checked(data)))
    await template.save()
    return template


async def update(template_id: int, data: TemplateInput, *, owner_id: int, now: datetime) -> MessageTemplate:
    await get(template_id, owner_id=owner_id)
    changes: dict[Column | str, Any] = {key: value for key, value in _columns(_checked(data)).items()}
    changes["updated_at"] = now
    await MessageTemplate.update(changes).where(
        (MessageTemplate.id == template_id) & owned_by(MessageTemplate, owner_id)
    )
    return await get(template_id, owner_id=owner_id)


async def delete(template_id: int, *, owner_id: int) -> None:
    """Campaigns made from it keep their own copy of the message (their template link is cleared)."""
    await get(template_id, owner_id=owner_id)
    await MessageTemplate.delete().where((MessageTemplate.id == template_id) & owned_by(MessageTemplate, owner_id))
