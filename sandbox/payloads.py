"""Builders for the JSON bodies Evolution 2.3.6 produces (shapes from /work/shared/evolution/)."""

from __future__ import annotations

import hashlib
import random
import re
import time
from typing import Any

from sandbox.state import Instance, SandboxState, WebhookConfig, iso_now, new_cuid

HEX = "0123456789ABCDEF"
JID_SUFFIXES = ("@s.whatsapp.net", "@g.us", "@lid", "@broadcast")
MEDIA_TYPES = ("image", "video", "document", "audio")
CONTEXT_INFO: dict[str, Any] = {
    "mentionedJid": [],
    "groupMentions": [],
    "ephemeralSettingTimestamp": {"low": 1760884840, "high": 0, "unsigned": False},
    "disappearingMode": {"initiator": 0},
}


def normalise_jid(number: str) -> str:
    """createJid: JIDs pass through; digits lose Brazil's 9th digit / MX-AR's 3rd digit as Evolution does."""
    if any(suffix in number for suffix in JID_SUFFIXES):
        return number
    digits = re.sub(r"\D", "", number)
    if len(digits) == 13 and digits.startswith("55") and int(digits[2:4]) >= 31 and digits[4] == "9":
        if int(digits[5]) >= 7:
            digits = digits[:4] + digits[5:]
    elif len(digits) == 13 and digits[:2] in ("52", "54"):
        digits = digits[:2] + digits[3:]
    return f"{digits}@s.whatsapp.net"


def is_on_whatsapp(number: str, not_on_whatsapp: list[str]) -> bool:
    digits = re.sub(r"\D", "", number.split("@")[0])
    jid = normalise_jid(number)
    return not any(entry in (number, digits, jid) for entry in not_on_whatsapp)


def new_message_id(rng: random.Random) -> str:
    """API-sent ids look like 3EB0 + 18 upper-case hex characters."""
    return "3EB0" + "".join(rng.choice(HEX) for _ in range(18))


def _bytes_object(rng: random.Random, size: int) -> dict[str, int]:
    """2.3.6 serialises Buffers as index-keyed objects."""
    return {str(i): rng.randrange(256) for i in range(size)}


def _buffer(data: bytes) -> dict[str, int]:
    return {str(i): byte for i, byte in enumerate(data)}


def media_record(
    body: dict[str, Any], rng: random.Random, now: int, *, content: bytes | None = None
) -> tuple[str, dict[str, Any]]:
    """(messageType, message) for a sendMedia body; with base64 `content`, its real length and SHA-256 are kept."""
    kind = body["mediatype"]
    default_mime = {"image": "image/jpeg", "video": "video/mp4", "document": "application/pdf", "audio": "audio/mpeg"}
    path = "/o1/v/t24/f2/m234/AQSandbox" + "".join(rng.choice(HEX) for _ in range(12))
    record: dict[str, Any] = {}
    if kind == "image":
        record.update(interactiveAnnotations=[], scanLengths=[], annotations=[])
    record.update(
        url=f"https://mmg.whatsapp.net{path}?ccb=9-4&mms3=true",
        mimetype="image/jpeg" if kind == "image" else body.get("mimetype") or default_mime[kind],
        caption=body.get("caption") or "",
        fileSha256=_bytes_object(rng, 32) if content is None else _buffer(hashlib.sha256(content).digest()),
        fileLength={
            "low": rng.randrange(1000, 900_000) if content is None else len(content),
            "high": 0,
            "unsigned": True,
        },
    )
    if kind in ("image", "video"):
        record.update(height=893, width=1600)
    record.update(mediaKey=_bytes_object(rng, 32), fileEncSha256=_bytes_object(rng, 32), directPath=path)
    if kind == "document":
        record["fileName"] = body.get("fileName") or "document"
    record.update(
        mediaKeyTimestamp={"low": now, "high": 0, "unsigned": False},
        jpegThumbnail=_bytes_object(rng, 6),
        contextInfo=dict(CONTEXT_INFO),
    )
    return f"{kind}Message", {f"{kind}Message": record}


def sent_message(
    instance: Instance, jid: str, message_type: str, message: dict[str, Any], key_id: str
) -> dict[str, Any]:
    """The 201 body of a send (and `send.message` data), key order as in send-text.response.json."""
    return {
        "key": {"remoteJid": jid, "fromMe": True, "id": key_id},
        "pushName": "Você",
        "status": "PENDING",
        "message": message,
        "contextInfo": dict(CONTEXT_INFO),
        "messageType": message_type,
        "messageTimestamp": int(time.time()),
        "instanceId": instance.id,
        "source": "web",
    }


def instance_row(instance: Instance) -> dict[str, Any]:
    """One fetchInstances row."""
    return {
        "id": instance.id,
        "name": instance.name,
        "connectionStatus": instance.state,
        "ownerJid": instance.owner_jid,
        "profileName": instance.profile_name,
        "profilePicUrl": None,
        "integration": "WHATSAPP-BAILEYS",
        "number": instance.number,
        "businessId": None,
        "token": instance.token,
        "clientName": "evolution_exchange",
        "disconnectionReasonCode": None,
        "disconnectionObject": None,
        "disconnectionAt": None,
        "createdAt": instance.created_at,
        "updatedAt": iso_now(),
        **dict.fromkeys(("Chatwoot", "Proxy", "Rabbitmq", "Nats", "Sqs", "Websocket")),
        "Setting": {
            "id": f"c{instance.id.replace('-', '')[:24]}",
            "rejectCall": False,
            "msgCall": "",
            "groupsIgnore": True,
            "alwaysOnline": False,
            "readMessages": False,
            "readStatus": False,
            "syncFullHistory": False,
            "wavoipToken": "",
            "createdAt": instance.created_at,
            "updatedAt": instance.created_at,
            "instanceId": instance.id,
        },
        "_count": {"Message": 0, "Contact": 0, "Chat": 0},
    }


def webhook_row(instance: Instance, hook: WebhookConfig) -> dict[str, Any]:
    """The stored webhook row returned by /webhook/set and /webhook/find."""
    return {
        "id": hook.id,
        "url": hook.url,
        "headers": hook.headers,
        "enabled": hook.enabled,
        "events": hook.events,
        "webhookByEvents": hook.by_events,
        "webhookBase64": hook.base64,
        "createdAt": hook.created_at,
        "updatedAt": hook.updated_at,
        "instanceId": instance.id,
    }


def connection_data(instance: Instance, status_reason: int) -> dict[str, Any]:
    """`connection.update` data for the instance's current state (§5.6)."""
    if instance.state == "open":
        return {
            "instance": instance.name,
            "wuid": instance.owner_jid,
            "profileName": instance.profile_name,
            "profilePictureUrl": None,
            "state": "open",
            "statusReason": 200,
        }
    return {"instance": instance.name, "state": instance.state, "statusReason": status_reason}


def status_row(record: dict[str, Any], status: str, remote_jid: str) -> dict[str, Any]:
    """A `messages.update` data object, also stored as a findStatusMessage row."""
    return {
        "keyId": record["key"]["id"],
        "remoteJid": remote_jid,
        "fromMe": True,
        "status": status,
        "instanceId": record["instanceId"],
        "messageId": record["id"],
    }


def inbound_data(state: SandboxState, instance: Instance, spec: dict[str, Any]) -> dict[str, Any]:
    """`messages.upsert` data for an injected reply: LID-addressed (with or without remoteJidAlt) or by phone."""
    phone_jid = normalise_jid(str(spec["number"]))
    key: dict[str, Any]
    if spec.get("lid"):
        key = {"remoteJid": state.lid_for(phone_jid)}
        if spec.get("remoteJidAlt", True):
            key["remoteJidAlt"] = phone_jid
        key.update(fromMe=False, id=spec.get("id") or _inbound_id(state.rng), participant="", addressingMode="lid")
    else:
        key = {"remoteJid": phone_jid, "fromMe": False, "id": spec.get("id") or _inbound_id(state.rng)}
    data: dict[str, Any] = {
        "key": key,
        "pushName": spec.get("pushName", "Contact"),
        "status": "DELIVERY_ACK",
        "message": {"conversation": str(spec.get("text", "STOP"))},
    }
    quoted_id = spec.get("quotedId")
    if quoted_id:
        quoted = next((m for m in state.messages if m["key"]["id"] == quoted_id), None)
        data["contextInfo"] = {
            "stanzaId": quoted_id,
            "participant": instance.owner_jid,
            "quotedMessage": dict(quoted["message"]) if quoted else {"conversation": ""},
        }
    data.update(
        messageType="conversation",
        messageTimestamp=int(time.time()),
        instanceId=instance.id,
        source=spec.get("source", "android"),
    )
    return data


def _inbound_id(rng: random.Random) -> str:
    return "3A" + "".join(rng.choice(HEX) for _ in range(18))


def new_row_id(state: SandboxState) -> str:
    return new_cuid(state.rng)
