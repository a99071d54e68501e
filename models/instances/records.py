"""WhatsApp instances: validated create/update/delete and the connection state (today's sends: `daily_cap`).

The API key and the webhook secret are stored but never rendered back: pages and JSON show `api_key_hint()`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from models.db import atomic
from models.errors import N_, Message, ResourceInUse, ValidationFailed
from models.instances.daily_cap import cap_day
from models.money import money
from models.ownership import get_own
from models.statuses import FINISHED_CAMPAIGN_STATUSES, ConnectionState
from models.tables import Campaign, Instance

SANDBOX_API_KEY = "sandbox-key"
SANDBOX_INSTANCE = "sandbox"
DEFAULT_RATE_PER_MINUTE = 20
DEFAULT_JITTER_PERCENT = 30
DEFAULT_DAILY_CAP = 1000
MASK = "••••"


@dataclass(frozen=True)
class InstanceFields:
    """Validated input for creating or updating an instance; `api_key` None keeps the stored key."""

    name: str
    server_url: str
    api_key: str | None
    instance_name: str
    rate_per_minute: int
    jitter_percent: int
    daily_cap: int
    cost_per_message: Decimal = Decimal(0)
    warmup: bool = False  # the daily cap ramps up with the number's age (models/sending/pacing.daily_cap)
    warmup_started_at: date | None = None  # None with warm-up on: today, when it is turned on


# What creating and updating both store as given (the API key has its own rule: None or empty keeps the stored one).
SETTINGS = (
    "name",
    "server_url",
    "instance_name",
    "rate_per_minute",
    "jitter_percent",
    "daily_cap",
    "cost_per_message",
    "warmup",
    "warmup_started_at",
)


def _settings(fields: InstanceFields, current: Instance | None, now: datetime) -> dict[str, Any]:
    """The stored settings; the warm-up start is today when warm-up is turned on without one (`warmup_start`)."""
    return {
        **{name: getattr(fields, name) for name in SETTINGS},
        "warmup_started_at": warmup_start(fields, current, cap_day(now)),
    }


def api_key_hint(api_key: str) -> str:
    """What pages and JSON show of a key: its last 4 characters only."""
    return MASK + api_key[-4:] if api_key else ""


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _whole_number(
    raw: Mapping[str, Any], name: str, default: int, low: int, high: int | None, errors: dict[str, str]
) -> int:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        errors[name] = N_("Enter a whole number.")
        return default
    if number < low or (high is not None and number > high):
        errors[name] = (
            Message(N_("Enter a number from %(low)s to %(high)s."), low=low, high=high)
            if high is not None
            else Message(N_("Enter %(low)s or more."), low=low)
        )
    return number


_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# A host name or IPv4 address, an optional port and path: no credentials, query or fragment (the API schema says so).
SERVER_URL_PATTERN = r"^https?://[A-Za-z0-9.-]+(:" + _PORT + r")?(/[!-\"$-/0-9:;<=>@A-Z\\^-~]*)?$"


def clean_server_url(value: str) -> tuple[str, str | None]:
    """The URL without a trailing slash, or the reason it is refused."""
    url = value.strip().rstrip("/")
    if not url:
        return url, "Enter the Evolution server's address."
    if not url.isascii() or not url.isprintable():
        return url, "Write the address in printable ASCII (an international domain in its xn-- form)."
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return url, "Enter a valid http:// or https:// address."
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return url, "Enter a valid http:// or https:// address."
    if parts.username or parts.password:
        return url, "Do not put credentials in the address; use the API key field."
    if parts.query or parts.fragment:
        return url, "The address cannot have a query string or a fragment."
    if not re.match(SERVER_URL_PATTERN, url):
        return url, "Enter a valid http:// or https:// address."
    return url, None


def validate_fields(raw: Mapping[str, Any], *, max_rate: int, creating: bool) -> InstanceFields:
    """Check every field at once; ValidationFailed maps each bad field to its reason."""
    errors: dict[str, str] = {}
    name = _text(raw, "name")
    if not name or len(name) > 100:
        errors["name"] = N_("Enter a name of 1 to 100 characters.")
    server_url, url_error = clean_server_url(_text(raw, "server_url"))
    if url_error or len(server_url) > 500:
        errors["server_url"] = url_error or "The address is too long."
    api_key = _text(raw, "api_key") or None
    if api_key is None and creating:
        errors["api_key"] = N_("Enter the API key.")
    elif api_key is not None and len(api_key) > 500:
        errors["api_key"] = N_("The API key is too long.")
    elif api_key is not None and not (api_key.isascii() and api_key.isprintable()):
        errors["api_key"] = "The API key can only hold printable ASCII characters."  # it travels in a header
    instance_name = _text(raw, "instance_name")
    if not instance_name or len(instance_name) > 100:
        errors["instance_name"] = N_("Enter the Evolution instance name.")
    rate = _whole_number(raw, "rate_per_minute", DEFAULT_RATE_PER_MINUTE, 1, max_rate, errors)
    jitter = _whole_number(raw, "jitter_percent", DEFAULT_JITTER_PERCENT, 0, 100, errors)
    cap = _whole_number(raw, "daily_cap", DEFAULT_DAILY_CAP, 1, None, errors)
    cost = money(raw.get("cost_per_message"), "cost_per_message", errors)
    warmup = _switch(raw.get("warmup"))
    started = _day(raw.get("warmup_started_at"), "warmup_started_at", errors)
    if errors:
        raise ValidationFailed(errors)
    return InstanceFields(name, server_url, api_key, instance_name, rate, jitter, cap, cost, warmup, started)


def _switch(value: Any) -> bool:
    """A JSON boolean, or a form's checkbox ("on", "true", "1"; absent: off)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"on", "true", "1", "yes"}


def _day(value: Any, name: str, errors: dict[str, str]) -> date | None:
    """A date (JSON date or a form's YYYY-MM-DD); empty: None."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) <= 32 else None
    except ValueError:
        errors[name] = N_("Enter a date as YYYY-MM-DD.")
        return None


def warmup_start(fields: InstanceFields, current: Instance | None, today: date) -> date | None:
    """The stored warm-up start: the one given, else the one kept while warm-up stays on, else today."""
    if not fields.warmup:
        return fields.warmup_started_at or (current.warmup_started_at if current is not None else None)
    if fields.warmup_started_at is not None:
        return fields.warmup_started_at
    if current is not None and current.warmup and current.warmup_started_at is not None:
        return current.warmup_started_at
    return today


async def create_instance(
    owner_id: int,
    fields: InstanceFields,
    *,
    now: datetime,
    state: ConnectionState = ConnectionState.UNKNOWN,
    state_reason: str = "",
    phone_number: str = "",
) -> Instance:
    """Save a validated instance with a fresh webhook secret."""
    instance = Instance(
        owner=owner_id,
        **_settings(fields, None, now),
        api_key=fields.api_key or "",
        webhook_secret=secrets.token_urlsafe(32),
        state=state.value,
        state_reason=state_reason,
        state_checked_at=now,
        phone_number=phone_number,
        created_at=now,
        updated_at=now,
    )
    await instance.save()
    return instance


async def update_instance(instance_id: int, owner_id: int, fields: InstanceFields, *, now: datetime) -> Instance:
    """Apply validated changes; an empty API key keeps the stored one. A new server or name needs a new check."""
    current = await get_own(Instance, instance_id, owner_id, "Instance")
    changes: dict[Any, Any] = {
        getattr(Instance, name): value for name, value in _settings(fields, current, now).items()
    }
    changes[Instance.updated_at] = now
    if fields.api_key is not None:
        changes[Instance.api_key] = fields.api_key
    if (fields.server_url, fields.instance_name) != (current.server_url, current.instance_name):
        changes[Instance.webhook_registered] = False
    await Instance.update(changes).where((Instance.id == instance_id) & (Instance.owner == owner_id))
    return await get_own(Instance, instance_id, owner_id, "Instance")


async def campaigns_using(instance_id: int) -> list[str]:
    """Names of the campaigns that still need this instance (any status but finished)."""
    rows = (
        await Campaign.select(Campaign.name)
        .where(
            (Campaign.instance == instance_id)
            & Campaign.status.not_in([status.value for status in FINISHED_CAMPAIGN_STATUSES])
        )
        .order_by(Campaign.id)
    )
    return [row["name"] for row in rows]


async def delete_instance(instance_id: int, owner_id: int) -> None:
    """Delete, refused while an unfinished campaign uses it; finished campaigns keep their history unlinked."""
    await get_own(Instance, instance_id, owner_id, "Instance")
    async with atomic():  # a campaign created meanwhile makes the check and the delete disagree otherwise
        in_use = await campaigns_using(instance_id)
        if in_use:
            names = ", ".join(f"“{name}”" for name in in_use[:5]) + (" …" if len(in_use) > 5 else "")
            raise ResourceInUse(
                Message(N_("This instance cannot be deleted while campaigns use it: %(names)s."), names=names)
            )
        await Campaign.update({Campaign.instance: None}).where(Campaign.instance == instance_id)
        await Instance.delete().where((Instance.id == instance_id) & (Instance.owner == owner_id))


async def set_state(
    instance_id: int, state: ConnectionState | str, reason: str, now: datetime, *, phone_number: str | None = None
) -> None:
    """Record the connection state Evolution reported (webhook or a check)."""
    changes: dict[Any, Any] = {
        Instance.state: ConnectionState(state).value,
        Instance.state_reason: reason,
        Instance.state_checked_at: now,
    }
    if phone_number:
        changes[Instance.phone_number] = phone_number
    await Instance.update(changes).where(Instance.id == instance_id)


async def mark_webhook_registered(instance_id: int, registered: bool, now: datetime) -> None:
    await Instance.update({Instance.webhook_registered: registered, Instance.updated_at: now}).where(
        Instance.id == instance_id
    )


async def create_sandbox_instance(owner_id: int, server_url: str) -> int:
    """The demo instance `make run` gives the first user (the sandbox's default key and instance name)."""
    now = datetime.now(UTC)
    instance = Instance(
        owner=owner_id,
        name="Sandbox",
        server_url=server_url,
        api_key=SANDBOX_API_KEY,
        instance_name=SANDBOX_INSTANCE,
        webhook_secret=secrets.token_urlsafe(32),
        created_at=now,
        updated_at=now,
    )
    await instance.save()
    return int(instance.id)
