"""In-process domain events (campaign started/paused/completed, message sent/failed), logged for the operator.

Campaign events are rare and worth reading at INFO; message events come once per send, so they log at DEBUG and
the console keeps what a newcomer needs (the one-time setup link) in sight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("arauto.events")

CAMPAIGN_STARTED = "campaign.started"
CAMPAIGN_PAUSED = "campaign.paused"
CAMPAIGN_COMPLETED = "campaign.completed"
CAMPAIGN_CANCELLED = "campaign.cancelled"
CAMPAIGN_FAILED = "campaign.failed"
MESSAGE_CLAIMED = "message.claimed"  # once per campaign per claim pass, with the count
MESSAGE_SENT = "message.sent"
MESSAGE_FAILED = "message.failed"


Subscriber = Callable[[str, dict[str, Any]], None]
_subscribers: list[Subscriber] = []


def publish(name: str, **data: Any) -> None:
    """Synchronous and cheap: one log line, then each subscriber (an app's live pages: `live_refreshes` in
    views/campaigns/detail.py), which must only schedule work; one that raises is logged, the others still hear."""
    logger.log(logging.DEBUG if name.startswith("message.") else logging.INFO, "%s %s", name, data)
    for subscriber in tuple(_subscribers):
        try:
            subscriber(name, data)
        except Exception:  # a listener's bug must not fail the send or the action that published
            logger.exception("subscriber %r failed on %s", subscriber, name)


def subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Hear every event published in this process from now on; returns the call that stops it."""
    _subscribers.append(subscriber)
    return lambda: _subscribers.remove(subscriber) if subscriber in _subscribers else None
