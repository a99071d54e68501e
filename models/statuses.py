"""The states a campaign, a message and an instance can be in."""

from __future__ import annotations

from enum import StrEnum

from models.errors import Message


class CampaignStatus(StrEnum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class MessageStatus(StrEnum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


class ConnectionState(StrEnum):
    OPEN = "open"
    CONNECTING = "connecting"
    CLOSE = "close"
    UNKNOWN = "unknown"


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"
    AUDIO = "audio"


FINISHED_CAMPAIGN_STATUSES = frozenset({CampaignStatus.COMPLETED, CampaignStatus.CANCELLED, CampaignStatus.FAILED})
LIVE_CAMPAIGN_STATUSES = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED})
# Statuses a message counts as "sent" in the funnel (the gateway accepted it).
SENT_MESSAGE_STATUSES = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ})
FINAL_MESSAGE_STATUSES = frozenset(
    {MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.FAILED, MessageStatus.SKIPPED}
)


def is_live(status: CampaignStatus | str) -> bool:
    """SCHEDULED, RUNNING or PAUSED: its figures may still change (the page polls; the dashboard counts it active)."""
    return CampaignStatus(status) in LIVE_CAMPAIGN_STATUSES


def status_word(status: str) -> Message:
    """A status code as a message parameter: the catalogues hold a word for each (DRAFT -> Draft, Rascunho)."""
    return Message(str(status))
