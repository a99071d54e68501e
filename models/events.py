"""In-process domain events (campaign started/paused/completed, message sent/failed) for pages and logs."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("arauto.events")
Handler = Callable[[str, dict[str, Any]], None]

CAMPAIGN_STARTED = "campaign.started"
CAMPAIGN_PAUSED = "campaign.paused"
CAMPAIGN_RESUMED = "campaign.resumed"
CAMPAIGN_COMPLETED = "campaign.completed"
CAMPAIGN_CANCELLED = "campaign.cancelled"
CAMPAIGN_FAILED = "campaign.failed"
MESSAGE_SENT = "message.sent"
MESSAGE_FAILED = "message.failed"

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> Callable[[], None]:
    """Register `handler` for events called `name` ("*" for all); returns a function that unsubscribes."""
    _handlers[name].append(handler)
    return lambda: _handlers[name].remove(handler)


def publish(name: str, **data: Any) -> None:
    """Synchronous and cheap; a failing handler is logged, never breaks the sender."""
    logger.info("%s %s", name, data)
    for handler in [*_handlers.get(name, ()), *_handlers.get("*", ())]:
        try:
            handler(name, data)
        except Exception:
            logger.exception("event handler failed for %s", name)
