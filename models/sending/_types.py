"""What a claim hands the dispatcher: everything needed to render and send one message without another read."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


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
    media_url: str
    media_type: str
    media_filename: str
    instance_id: int
    server_url: str
    api_key: str
    instance_name: str
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
    server_url: str
    api_key: str
    instance_name: str
    whatsapp_jid: str = ""

    @property
    def destination(self) -> str:
        return self.whatsapp_jid or self.phone

    def __repr__(self) -> str:
        return f"StaleClaim(message_id={self.message_id}, campaign_id={self.campaign_id}, phone={self.phone!r})"


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """The send times granted now (possibly a few, within the look-ahead horizon) and the next free grid point."""

    send_times: tuple[datetime, ...]
    next_slot: datetime | None  # unchanged (the stored value) when nothing was granted

    @property
    def granted(self) -> int:
        return len(self.send_times)


class Planner(Protocol):
    """Slot arithmetic, injected by the scheduler (scheduler.slots.plan_slots): models never import scheduler."""

    def __call__(
        self,
        slot: datetime | None,
        now: datetime,
        *,
        interval: float,
        limit: int,
        horizon: float = 0.0,
        jitter_percent: int = 0,
        rng: random.Random | None = None,
        until: datetime | None = None,
    ) -> SlotPlan: ...
