"""User administration: what an admin sees of users (never their campaigns, contacts or keys) and may change.

Disabling an account ends its sessions and stops its sending in the database, so it holds in every process: the
account's RUNNING campaigns are paused and its SCHEDULED ones go back to draft, each with the reason, through the
one transition function (and so into their history).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.apps.user.tables import BaseUser

from models.accounts.sessions import end_user_sessions
from models.accounts.users import normalise_email
from models.campaigns import lifecycle
from models.campaigns.history import Who
from models.errors import IllegalTransition, NotFoundOrNotYours, ValidationFailed
from models.statuses import CampaignStatus
from models.tables import Campaign, UserProfile
from models.timezones import checked_zone

LOCALES = ("en", "pt-BR")
MAX_LIMIT = 10_000_000
DISABLED_REASON = "The owner's account was disabled."
# What an admin sets in a user's profile row; then all an admin may change.
PROFILE = ("daily_limit", "monthly_limit", "locale", "timezone")
EDITABLE = frozenset({"is_admin", "active", *PROFILE})


@dataclass(frozen=True)
class UserRecord:
    """A user as the admin pages and `/api/users` show it."""

    id: int
    email: str
    is_admin: bool
    active: bool
    daily_limit: int | None
    monthly_limit: int | None
    locale: str
    timezone: str


LIST_SQL = (
    "SELECT u.id, u.email, u.admin, u.active, p.daily_limit, p.monthly_limit, p.locale, p.timezone "
    'FROM piccolo_user u LEFT JOIN arauto_user_profile p ON p."user" = u.id'
)


def _record(row: dict[str, Any]) -> UserRecord:
    return UserRecord(
        id=row["id"],
        email=row["email"],
        is_admin=bool(row["admin"]),
        active=bool(row["active"]),
        daily_limit=row["daily_limit"],
        monthly_limit=row["monthly_limit"],
        locale=row["locale"] or "",  # empty: the browser's language
        timezone=row["timezone"] or "UTC",
    )


async def list_users() -> list[UserRecord]:
    return [_record(row) for row in await BaseUser.raw(LIST_SQL + " ORDER BY u.email")]


async def get_record(user_id: int) -> UserRecord:
    rows = await BaseUser.raw(LIST_SQL + " WHERE u.id = {}", user_id)
    if not rows:
        raise NotFoundOrNotYours(f"User {user_id} not found")
    return _record(rows[0])


def checked_limit(value: object, field: str) -> int | None:
    """A limit in messages: None or empty means unlimited; otherwise a whole number from 0 to MAX_LIMIT."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) or isinstance(value, bool) else value
    except ValueError:
        number = -1
    if isinstance(value, bool) or not 0 <= number <= MAX_LIMIT:
        raise ValidationFailed({field: f"Enter a whole number of messages from 0 to {MAX_LIMIT}, or leave it empty."})
    return number


def checked_locale(value: str, field: str = "locale") -> str:
    """A language code, or empty for "the browser's language" (then ARAUTO_DEFAULT_LOCALE)."""
    if value and value not in LOCALES:
        raise ValidationFailed({field: "Choose a language: en or pt-BR."})
    return value


def checked_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The validated subset of `changes` (keys of EDITABLE); ValidationFailed names every bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, value in changes.items():
        try:
            if field in ("daily_limit", "monthly_limit"):
                clean[field] = checked_limit(value, field)
            elif field == "locale":
                clean[field] = checked_locale("" if value is None else str(value))
            elif field == "timezone":
                clean[field] = checked_zone(str(value))
            elif field in ("is_admin", "active"):
                clean[field] = bool(value)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


async def update_user(
    user_id: int, changes: dict[str, Any], *, acting_admin_id: int, acting_admin_email: str, now: datetime
) -> UserRecord:
    """Apply an admin's changes; an admin may not disable or demote themselves (someone must stay in charge)."""
    clean = checked_changes(changes)
    before = await get_record(user_id)
    if user_id == acting_admin_id and (clean.get("active") is False or clean.get("is_admin") is False):
        raise ValidationFailed({"active": "You cannot disable or demote your own account."})
    profile = {key: clean[key] for key in PROFILE if key in clean}
    if profile:
        await _ensure_profile(user_id)
        await UserProfile.update({getattr(UserProfile, k): v for k, v in profile.items()}).where(
            UserProfile.user == user_id
        )
    if "is_admin" in clean:
        await BaseUser.update({BaseUser.admin: clean["is_admin"], BaseUser.superuser: clean["is_admin"]}).where(
            BaseUser.id == user_id
        )
    if clean.get("active") is False and before.active:
        await disable_user(user_id, now=now, actor=acting_admin_email)
    elif clean.get("active") is True:
        await BaseUser.update({BaseUser.active: True}).where(BaseUser.id == user_id)
    return await get_record(user_id)


async def _ensure_profile(user_id: int) -> None:
    if not await UserProfile.exists().where(UserProfile.user == user_id):
        await UserProfile(user=user_id).save()


async def disable_user(user_id: int, *, now: datetime, actor: str = "") -> None:
    """The account stops: no sign-in, no token, no session, and none of its campaigns sends or starts."""
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
    await end_user_sessions(user_id)
    stops = {
        CampaignStatus.RUNNING.value: lifecycle.Action.PAUSE,
        CampaignStatus.SCHEDULED.value: lifecycle.Action.UNSCHEDULE,
    }
    rows = await Campaign.select(Campaign.id, Campaign.status).where(
        (Campaign.owner == user_id) & Campaign.status.is_in(list(stops))
    )
    for row in rows:
        try:
            await lifecycle.apply(
                row["id"], stops[row["status"]], owner_id=None, now=now, reason=DISABLED_REASON, who=Who(actor, "admin")
            )
        except IllegalTransition:
            continue  # it moved on by itself meanwhile (completed, paused): nothing left to stop


async def email_taken(email: str) -> bool:
    return bool(await BaseUser.exists().where(BaseUser.username == normalise_email(email)))


def unusable_password() -> str:
    """A stored password no one knows (a random value, hashed cheaply): the account waits for its link."""
    return BaseUser.hash_password(secrets.token_urlsafe(32), "", 1)
