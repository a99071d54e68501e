"""Did a send we are unsure about go out? Ask Evolution (findMessages by the number's chat and a time window),
since Evolution takes no client message id: a message from us, in that chat, after the claim, whose id we have
not recorded elsewhere, is ours."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from models import sending
from models.instances.address import NumberAddress
from scheduler.evolution import Failure, FoundMessage

log = logging.getLogger("arauto.reconcile")
CLOCK_SKEW_SECONDS = 5  # Evolution's clock may be a little behind ours


class Target(Protocol):
    @property
    def destination(self) -> str: ...
    @property
    def claimed_at(self) -> datetime: ...
    @property
    def address(self) -> NumberAddress: ...


class Finder(Protocol):
    async def find_messages(
        self, address: NumberAddress, key_id: str | None = None, remote_jid: str | None = None
    ) -> tuple[FoundMessage, ...] | Failure: ...


def chat_jid(destination: str) -> str:
    """The WhatsApp chat of a send's destination: a resolved JID as is, E.164 digits as their user JID."""
    return destination if "@" in destination else f"{destination}@s.whatsapp.net"


async def find_our_send(client: Finder, target: Target, *, since: datetime) -> FoundMessage | Failure | None:
    """The message we sent to `target` since `since`, None if Evolution has none, or the failure of asking."""
    found = await client.find_messages(target.address, remote_jid=chat_jid(target.destination))
    if not isinstance(found, tuple):
        return found
    floor = since.timestamp() - CLOCK_SKEW_SECONDS
    mine = [m for m in found if m.from_me and m.key_id and (m.timestamp == 0 or m.timestamp >= floor)]
    if not mine:
        return None
    taken = await sending.known_key_ids([m.key_id for m in mine])
    fresh = sorted((m for m in mine if m.key_id not in taken), key=lambda m: m.timestamp)
    return fresh[0] if fresh else None
