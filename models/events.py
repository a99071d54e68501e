"""In-process domain events (campaign started/paused/completed, message sent/failed), logged for the operator.

Campaign events are rare and worth reading at INFO; message events come once per send, so they log at DEBUG and
the console keeps what a newcomer needs (the one-time setup link) in sight.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("arauto.events")

CAMPAIGN_STARTED = "campaign.started"
CAMPAIGN_PAUSED = "campaign.paused"
CAMPAIGN_COMPLETED = "campaign.completed"
CAMPAIGN_CANCELLED = "campaign.cancelled"
CAMPAIGN_FAILED = "campaign.failed"
MESSAGE_SENT = "message.sent"
MESSAGE_FAILED = "message.failed"


def publish(name: str, **data: Any) -> None:
    """Synchronous and cheap: one log line (no subscriber exists; add one here when a page needs pushes)."""
    logger.log(logging.DEBUG if name.startswith("message.") else logging.INFO, "%s %s", name, data)
