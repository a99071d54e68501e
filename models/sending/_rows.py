"""The rows a claim reads, decoded once into typed records (no `row["i_rate"]` further down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.instances.daily_cap import as_day, sends_today
from models.tables import Campaign, CampaignMessage, Instance
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
)
INSTANCE_FIELDS = (
    Instance.id,
    Instance.next_send_at,
    Instance.rate_per_minute,
    Instance.jitter_percent,
    Instance.daily_cap,
    Instance.sent_today,
    Instance.sent_day,
    Instance.server_url,
    Instance.api_key,
    Instance.instance_name,
    Instance.state,
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
    """One lane of a RUNNING campaign: the campaign with one of its numbers (instance), both slots, the number's
    caps and its Evolution address. A campaign on three numbers is three lanes sharing the campaign's slot."""

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
    instance_state: str

    def __repr__(self) -> str:  # the API key never reaches a log line
        return f"SendingCampaign(id={self.id}, instance_id={self.instance_id})"

    @classmethod
    def decode(cls, row: dict[str, Any], instance: dict[str, Any]) -> SendingCampaign:
        """The campaign row and one of its numbers' rows as one lane."""
        return cls(
            id=int(row["id"]),
            owner_id=int(row["owner"]),
            instance_id=int(instance["id"]),
            message=row["message"],
            media_url=row["media_url"],
            media_type=row["media_type"],
            media_filename=row["media_filename"],
            variable_names=parse_names(row["variable_names"]),
            rate_limit=int(row["rate_limit"]),
            max_retries=int(row["max_retries"]),
            precheck=bool(row["precheck"]),
            next_send_at=row["next_send_at"],
            instance_next_send_at=instance["next_send_at"],
            instance_rate=int(instance["rate_per_minute"]),
            jitter_percent=int(instance["jitter_percent"]),
            daily_cap=int(instance["daily_cap"]),
            sent_today=int(instance["sent_today"] or 0),
            sent_day=as_day(instance["sent_day"]),
            server_url=instance["server_url"],
            api_key=instance["api_key"],
            instance_name=instance["instance_name"],
            instance_state=instance["state"],
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
