"""What a claim hands the dispatcher: everything needed to render and send one message without another read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.instances.address import NumberAddress
from models.media_files import Media


@dataclass(frozen=True, slots=True)
class Claimed:
    """One message reserved for this worker (status SENDING), with its send time inside its slot."""

    message_id: int
    campaign_id: int
    owner_id: int
    phone: str
    variables: dict[str, Any]
    attempts: int
    max_retries: int
    text: str
    media: Media | None  # the campaign's media link; an uploaded file is read by the dispatcher once per pass
    instance_id: int
    address: NumberAddress
    claimed_at: datetime
    send_at: datetime
    whatsapp_jid: str = ""  # the JID the pre-check resolved: sends go there, never to a number we rewrote

    @property
    def destination(self) -> str:
        """What Evolution's `number` field gets: the resolved JID when there is one, else the number as typed."""
        return self.whatsapp_jid or self.phone

    def __repr__(self) -> str:  # the API key never reaches a log line
        return f"Claimed(message_id={self.message_id}, campaign_id={self.campaign_id}, phone={self.phone!r})"


@dataclass(frozen=True, slots=True)
class StaleClaim:
    """A message left in SENDING past its lease (a crash, or a lost DB write after the send)."""

    message_id: int
    campaign_id: int
    phone: str
    claimed_at: datetime
    instance_id: int
    address: NumberAddress
    whatsapp_jid: str = ""

    @property
    def destination(self) -> str:
        return self.whatsapp_jid or self.phone

    def __repr__(self) -> str:
        return f"StaleClaim(message_id={self.message_id}, campaign_id={self.campaign_id}, phone={self.phone!r})"
