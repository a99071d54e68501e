"""The rows a claim reads, decoded once into typed records (no `row["i_rate"]` further down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.instances.address import ADDRESS_COLUMNS, NumberAddress
from models.instances.daily_cap import as_day, cap_day, sends_today
from models.media_files import Media
from models.sending.pacing import DailyCap, PacingConfig, SendWindow, daily_cap
from models.tables import Campaign, CampaignMessage, Instance, UserProfile
from models.timezones import zone
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
    Campaign.send_window,
    Campaign.timezone,
    Campaign.expires_at,
    Campaign.frequency_cap_hours,
)
INSTANCE_FIELDS = (
    Instance.id,
    Instance.next_send_at,
    Instance.rate_per_minute,
    Instance.jitter_percent,
    Instance.daily_cap,
    Instance.sent_today,
    Instance.sent_day,
    *ADDRESS_COLUMNS,
    Instance.state,
    Instance.warmup,
    Instance.warmup_started_at,
    Instance.warmup_halved_day,
)
OWNER_FIELDS = (
    UserProfile.user,
    UserProfile.timezone,
    UserProfile.daily_limit,
    UserProfile.monthly_limit,
    UserProfile.day_sent,
    UserProfile.day_of,
    UserProfile.month_sent,
    UserProfile.month_of,
)
MESSAGE_FIELDS = (
    CampaignMessage.id,
    CampaignMessage.phone,
    CampaignMessage.variables,
    CampaignMessage.attempts,
    CampaignMessage.whatsapp_jid,
)


@dataclass(frozen=True, slots=True)
class Owner:
    """The campaign owner's limits and the user-limit slot as stored (counts of the local day and month they name)."""

    id: int
    timezone: str = "UTC"
    daily_limit: int | None = None
    monthly_limit: int | None = None
    day_sent: int = 0
    day_of: date | None = None
    month_sent: int = 0
    month_of: date | None = None

    @property
    def limited(self) -> bool:
        return self.daily_limit is not None or self.monthly_limit is not None

    @classmethod
    def decode(cls, owner_id: int, row: dict[str, Any] | None) -> Owner:
        if row is None:
            return cls(owner_id)
        return cls(
            id=owner_id,
            timezone=row["timezone"] or "UTC",
            daily_limit=row["daily_limit"],
            monthly_limit=row["monthly_limit"],
            day_sent=int(row["day_sent"] or 0),
            day_of=as_day(row["day_of"]),
            month_sent=int(row["month_sent"] or 0),
            month_of=as_day(row["month_of"]),
        )


@dataclass(frozen=True, slots=True)
class SendingCampaign:
    """One lane of a RUNNING campaign: the campaign with one of its numbers (instance), both slots, the number's
    caps and its Evolution address. A campaign on three numbers is three lanes sharing the campaign's slot."""

    id: int
    owner_id: int
    instance_id: int
    message: str
    media: Media | None
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
    address: NumberAddress
    instance_state: str
    owner: Owner
    send_window: str | None = None  # as stored (JSON text)
    timezone: str = "UTC"  # the window's zone: the campaign's, else the owner's
    expires_at: datetime | None = None
    frequency_cap_hours: int | None = None
    warmup: bool = False
    warmup_started_at: date | None = None
    warmup_halved_day: date | None = None

    def __repr__(self) -> str:  # the API key never reaches a log line
        return f"SendingCampaign(id={self.id}, instance_id={self.instance_id})"

    def window(self) -> SendWindow | None:
        return SendWindow.from_json(self.send_window, self.zone)

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)

    def cap_today(self, now: datetime, config: PacingConfig) -> DailyCap:
        """The number's effective daily cap on the cap day of `now` (warm-up and its halving included)."""
        return daily_cap(
            self.daily_cap,
            warmup=self.warmup,
            started=self.warmup_started_at,
            today=cap_day(now),
            halved_day=self.warmup_halved_day,
            schedule=config.warmup_schedule,
        )

    def sent_on(self, today: date) -> int:
        return sends_today(self.sent_today, self.sent_day, today=today)

    @classmethod
    def decode(cls, row: dict[str, Any], instance: dict[str, Any], owner: Owner | None = None) -> SendingCampaign:
        """The campaign row and one of its numbers' rows as one lane."""
        return cls(
            id=int(row["id"]),
            owner_id=int(row["owner"]),
            instance_id=int(instance["id"]),
            message=row["message"],
            media=Media.linked(row["media_url"], row["media_type"], row["media_filename"]),
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
            address=NumberAddress.of(instance),
            instance_state=instance["state"],
            owner=owner or Owner(int(row["owner"])),
            send_window=row["send_window"] or None,
            timezone=row["timezone"] or (owner.timezone if owner else "UTC"),
            expires_at=row["expires_at"],
            frequency_cap_hours=row["frequency_cap_hours"],
            warmup=bool(instance["warmup"]),
            warmup_started_at=as_day(instance["warmup_started_at"]),
            warmup_halved_day=as_day(instance["warmup_halved_day"]),
        )


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
