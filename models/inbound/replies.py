"""Incoming replies: the text of a WhatsApp message, who sent it, the campaign it answers, and opt-outs (STOP, SAIR,
PARAR, ...).

A message from a recipient within REPLY_WINDOW of a send to them (on the same instance) is attributed to that
campaign: the first one sets the recipient's `replied_at` and moves `replied_count`, in one transaction, so a
replayed webhook or a second message counts nothing more. A stop word is recorded by `optouts.record_opt_out`, the
one rule every opt-out goes through.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from models.db import atomic
from models.inbound.optouts import record_opt_out
from models.tables import Campaign, CampaignMessage, Instance

REPLY_WINDOW = timedelta(hours=72)
STOP_WORDS = frozenset({"STOP", "SAIR", "PARAR", "CANCELAR", "UNSUBSCRIBE"})
_CAPTIONED = ("imageMessage", "videoMessage", "documentMessage", "documentWithCaptionMessage")


def _get(value: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def reply_text(message: Any) -> str:
    """The text of an incoming message (contract §5.5): conversation, extended text, ephemeral, captions, buttons."""
    if not isinstance(message, dict):
        return ""
    ephemeral = _get(message, "ephemeralMessage", "message")
    if isinstance(ephemeral, dict):
        return reply_text(ephemeral)
    candidates = [
        message.get("conversation"),
        _get(message, "extendedTextMessage", "text"),
        *(_get(message, kind, "caption") for kind in _CAPTIONED),
        _get(message, "buttonsResponseMessage", "selectedDisplayText"),
        _get(message, "templateButtonReplyMessage", "selectedDisplayText"),
        _get(message, "listResponseMessage", "title"),
    ]
    return next((value for value in candidates if isinstance(value, str) and value.strip()), "")


def is_stop(text: str) -> bool:
    return text.strip().upper() in STOP_WORDS


def _digits_of_jid(jid: Any) -> str:
    """`5511...@s.whatsapp.net` -> its digits; LIDs and groups are not phone numbers."""
    if not isinstance(jid, str) or not jid.endswith(("@s.whatsapp.net", "@c.us")):
        return ""
    return re.sub(r"\D", "", jid.split("@", 1)[0].split(":", 1)[0])


def sender_phone(key: dict[str, Any]) -> str:
    """The sender's phone digits: remoteJid, or remoteJidAlt when remoteJid is an @lid."""
    remote = key.get("remoteJid")
    if isinstance(remote, str) and remote.endswith("@lid"):
        return _digits_of_jid(key.get("remoteJidAlt"))
    return _digits_of_jid(remote)


def quoted_key_id(data: dict[str, Any]) -> str | None:
    """The WhatsApp id of the message this reply quotes (a campaign message's evolution id), if any."""
    for path in (
        ("contextInfo", "stanzaId"),
        ("message", "extendedTextMessage", "contextInfo", "stanzaId"),
        ("message", "messageContextInfo", "stanzaId"),
    ):
        value = _get(data, *path)
        if isinstance(value, str) and value:
            return value
    return None


async def phone_of_quoted(instance_id: int, key_id: str) -> str:
    """The phone of the campaign message (on this instance) the reply quotes, or ''."""
    row = (
        await CampaignMessage.select(CampaignMessage.phone)
        .where(
            (CampaignMessage.evolution_id == key_id)
            & CampaignMessage.campaign.is_in(Campaign.select(Campaign.id).where(Campaign.instance == instance_id))
        )
        .first()
    )
    return str(row["phone"]) if row else ""


async def attribute_reply(instance_id: int, phone: str, *, now: datetime) -> int | None:
    """The campaign (on this instance) whose latest send to `phone` was within REPLY_WINDOW, marked as replied
    once; its id, or None when no send is that recent or the recipient had already replied."""
    on_instance = CampaignMessage.campaign.is_in(Campaign.select(Campaign.id).where(Campaign.instance == instance_id))
    recent = (
        (CampaignMessage.phone == phone)
        & on_instance
        & (CampaignMessage.sent_at >= now - REPLY_WINDOW)
        & (CampaignMessage.sent_at <= now)
    )
    latest = (
        await CampaignMessage.select(CampaignMessage.id)
        .where(recent)
        .order_by(CampaignMessage.sent_at, ascending=False)
        .first()
    )
    if latest is None:
        return None
    async with atomic():
        marked = (
            await CampaignMessage.update({CampaignMessage.replied_at: now})
            .where((CampaignMessage.id == latest["id"]) & CampaignMessage.replied_at.is_null())
            .returning(CampaignMessage.campaign)
        )
        if not marked:
            return None
        campaign_id = int(marked[0]["campaign"])
        await Campaign.update({Campaign.replied_count: Campaign.replied_count + 1}).where(Campaign.id == campaign_id)
    return campaign_id


async def apply_reply(instance_id: int, data: dict[str, Any], *, now: datetime) -> None:
    """A `messages.upsert` from someone (not us): attributed to the campaign that wrote to them within 72 hours;
    a stop word also opts them out for the instance's owner."""
    key = data.get("key")
    if not isinstance(key, dict) or key.get("fromMe") is not False:
        return
    phone = sender_phone(key)
    quoted = quoted_key_id(data)
    if not phone and quoted:
        phone = await phone_of_quoted(instance_id, quoted)
    if phone:
        await attribute_reply(instance_id, phone, now=now)
    text = reply_text(data.get("message"))
    if not is_stop(text):
        return
    owner = await Instance.select(Instance.owner).where(Instance.id == instance_id).first()
    if phone and owner:
        note = f"Replied {text.strip()[:40]}"
        await record_opt_out(int(owner["owner"]), phone, source="reply", note=note, now=now)
