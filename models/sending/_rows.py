"""The rows a claim reads, decoded once into typed records (no `row["i_rate"]` further down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.instances.daily_cap import as_day, sends_today
from models.tables import Campaign, CampaignMessage
from models.variables import parse_names

CAMPAIGN_FIELDS = (
    Campaign.id,
    Campaign.owner,
    Campaign.instance,
    Campaign.message,
    Campaign.media_url,
    Campaign.media_type,
    Campaign.media_filename,
    Campaign.variable_names,
    Campaign.rate_limit,
    Campaign.max_retries,
    Campaign.precheck,
    Campaign.next_send_at,
    Campaign.instance.next_send_at.as_alias("i_next"),
    Campaign.instance.rate_per_minute.as_alias("i_rate"),
    Campaign.instance.jitter_percent.as_alias("i_jitter"),
    Campaign.instance.daily_cap.as_alias("i_cap"),
    Campaign.instance.sent_today.as_alias("i_sent_today"),
    Campaign.instance.sent_day.as_alias("i_sent_day"),
    Campaign.instance.server_url.as_alias("i_url"),
    Campaign.instance.api_key.as_alias("i_key"),
    Campaign.instance.instance_name.as_alias("i_name"),
)
MESSAGE_FIELDS = (
    CampaignMessage.id,
    CampaignMessage.phone,
    CampaignMessage.variables,
    CampaignMessage.attempts,
    CampaignMessage.whatsapp_jid,
)


@dataclass(frozen=True, slots=True)
class SendingCampaign:
    """A RUNNING campaign with what its instance contributes: both slots, the caps and the Evolution address."""

    id: int
    owner_id: int
    instance_id: int
    message: str
    media_url: str
    media_type: str
    media_filename: str
    variable_names: list[str]  # the recipients' variable names, once per campaign (models/variables.py)
    rate_limit: int
    max_retries: int
    precheck: bool  # only numbers the pre-check resolved are claimed
    next_send_at: datetime | None
    instance_next_send_at: datetime | None
    instance_rate: int
    jitter_percent: int
    daily_cap: int
    sent_today: int  # as stored, for the day `sent_day`
    sent_day: date | None
    server_url: str
    api_key: str
    instance_name: str

    def __repr__(self) -> str:  # the API key never reaches a log line
        return f"SendingCampaign(id={self.id}, instance_id={self.instance_id})"

    @classmethod
    def decode(cls, row: dict[str, Any]) -> SendingCampaign:
        return cls(
            id=int(row["id"]),
            owner_id=int(row["owner"]),
            instance_id=int(row["instance"]),
            message=row["message"],
            media_url=row["media_url"],
            media_type=row["media_type"],
            media_filename=row["media_filename"],
            variable_names=parse_names(row["variable_names"]),
            rate_limit=int(row["rate_limit"]),
            max_retries=int(row["max_retries"]),
            precheck=bool(row["precheck"]),
            next_send_at=row["next_send_at"],
            instance_next_send_at=row["i_next"],
            instance_rate=int(row["i_rate"]),
            jitter_percent=int(row["i_jitter"]),
            daily_cap=int(row["i_cap"]),
            sent_today=int(row["i_sent_today"] or 0),
            sent_day=as_day(row["i_sent_day"]),
            server_url=row["i_url"],
            api_key=row["i_key"],
            instance_name=row["i_name"],
        )

    def daily_room(self, today: date) -> int:
        """How many more messages the instance's daily cap allows today."""
        return max(0, self.daily_cap - sends_today(self.sent_today, self.sent_day, today=today))


@dataclass(frozen=True, slots=True)
class DueMessage:
    """A PENDING message due now; its variables as stored (values only: `models.variables.decode` with the
    campaign's names makes the dict)."""

    id: int
    phone: str
    stored_variables: Any
    attempts: int
    whatsapp_jid: str  # '' unless the pre-check resolved it

    @classmethod
    def decode(cls, row: dict[str, Any]) -> DueMessage:
        return cls(
            id=int(row["id"]),
            phone=row["phone"],
            stored_variables=row["variables"],
            attempts=int(row["attempts"]),
            whatsapp_jid=row["whatsapp_jid"] or "",
        )

