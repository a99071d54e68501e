"""Accounts: users (Piccolo's BaseUser, logging in by e-mail), API tokens, the one-time setup link, login throttle."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from models.accounts.passwords import password_problem
from models.accounts.sessions import SessionTouches, end_user_sessions, live_session
from models.errors import N_, ValidationFailed
from models.tables import ApiToken, SetupToken, UserProfile
from models.timezones import checked_zone

TOKEN_PREFIX = "arauto_"  # noqa: S105 (a public prefix, not a secret)
SUPPORTED_LOCALES = ("pt-BR", "en")


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user as views and rules see it."""

    id: int
    email: str
    is_admin: bool
    timezone: str
    locale: str = ""  # empty: not chosen, the browser's language applies
    token_name: str = ""  # the API token the request came with ("" for a browser session)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """What is wrong with a (normalised) e-mail address, or None."""
    if "@" not in email or "." not in email.rsplit("@", 1)[-1] or len(email) > 254:
        return "Enter a valid e-mail address."
    return None


def validate_credentials(email: str, password: str) -> None:
    """A valid e-mail and a password zxcvbn finds hard to guess (CPU work: callers run it in a thread)."""
    errors: dict[str, str] = {}
    if problem := email_problem(email):
        errors["email"] = problem
    problem = password_problem(
        password, max_length=BaseUser._max_password_length, user_inputs=(email, email.split("@")[0])
    )
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)


async def create_user(
    email: str,
    password: str,
    *,
    admin: bool = False,
    timezone: str = "UTC",
    iterations: int | None = None,
) -> CurrentUser:
    """Create an active user; the password is hashed (PBKDF2-SHA256) off the event loop."""
    email = normalise_email(email)
    await asyncio.to_thread(validate_credentials, email, password)
    checked_zone(timezone)
    if await BaseUser.exists().where(BaseUser.username == email):
        raise ValidationFailed({"email": N_("A user with this e-mail already exists.")})
    hashed = await asyncio.to_thread(BaseUser.hash_password, password, "", iterations)
    user = BaseUser(username=email, email=email, password=hashed, active=True, admin=admin, superuser=admin)
    await user.save()
    await UserProfile(user=user.id, timezone=timezone).save()
    return CurrentUser(id=user.id, email=email, is_admin=admin, timezone=timezone)


async def get_user(user_id: int) -> CurrentUser | None:
    """The active user with this id, or None (a deactivated user's session stops working)."""
    row = (
        await BaseUser.select(BaseUser.id, BaseUser.email, BaseUser.admin)
        .where((BaseUser.id == user_id) & (BaseUser.active == True))  # noqa: E712
        .first()
    )
    if row is None:
        return None
    profile = (
        await UserProfile.select(UserProfile.timezone, UserProfile.locale).where(UserProfile.user == user_id).first()
    )
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        is_admin=row["admin"],
        timezone=profile["timezone"] if profile else "UTC",
        locale=profile["locale"] if profile else "",
    )


async def set_locale(user_id: int, locale: str) -> None:
    """Remember the user's language (pt-BR or en); anything else is refused."""
    if locale not in SUPPORTED_LOCALES:
        raise ValidationFailed({"locale": N_("Choose pt-BR or en.")})
    await UserProfile.update({UserProfile.locale: locale}).where(UserProfile.user == user_id)


async def user_for_session(key: str, *, now: datetime, idle: timedelta, touched: SessionTouches) -> CurrentUser | None:
    """The active user signed in by this server-side session key, or None (see `sessions.live_session`)."""
    row = await live_session(key, now=now, idle=idle, touched=touched)
    if row is None:
        return None
    return CurrentUser(
        id=row["owner"],
        email=row["email"],
        is_admin=bool(row["admin"]),
        timezone=row["timezone"] or "UTC",
        locale=row["locale"] or "",
    )


async def get_user_by_email(email: str) -> CurrentUser | None:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.username == normalise_email(email)).first()
    return await get_user(row["id"]) if row else None


def _check_password(stored: str, password: str) -> bool:
    try:
        _, iterations, salt, _hashed = BaseUser.split_stored_password(stored)
        candidate = BaseUser.hash_password(password, salt, int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(candidate, stored)


async def authenticate(email: str, password: str) -> CurrentUser | None:
    """The user if the e-mail and password match an active account; the hash runs off the event loop."""
    row = (
        await BaseUser.select(BaseUser.id, BaseUser.password, BaseUser.active)
        .where(BaseUser.username == normalise_email(email))
        .first()
    )
    stored = row["password"] if row else BaseUser.hash_password("timing-equaliser", "salt", 1)
    ok = await asyncio.to_thread(_check_password, stored, password)
    if not (row and ok and row["active"]):
        return None
    return await get_user(row["id"])


async def user_count() -> int:
    return int(await BaseUser.count())


async def change_password(user_id: int, current: str, new: str) -> None:
    """Replace the password after checking the current one; every session of the user ends (the caller starts a
    fresh one for the browser that asked)."""
    row = await BaseUser.select(BaseUser.email, BaseUser.password).where(BaseUser.id == user_id).first()
    if row is None or not await asyncio.to_thread(_check_password, row["password"], current):
        raise ValidationFailed({"current_password": N_("The current password is not correct.")})
    problem = await asyncio.to_thread(
        password_problem, new, max_length=BaseUser._max_password_length, user_inputs=(row["email"], current)
    )
    if problem:
        raise ValidationFailed({"new_password": problem})
    hashed = await asyncio.to_thread(BaseUser.hash_password, new)
    await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == user_id)
    await end_user_sessions(user_id)


async def set_active(user_id: int, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once (its API tokens stop with `get_user`)."""
    await BaseUser.update({BaseUser.active: active}).where(BaseUser.id == user_id)
    if not active:
        await end_user_sessions(user_id)


# -- API tokens ----------------------------------------------------------------------------------------------------


async def create_api_token(owner_id: int, name: str, *, now: datetime) -> str:
    """A new token, returned once; only its SHA-256 is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken(
        owner=owner_id, name=name.strip()[:100] or "token", token_hash=_sha256(token), prefix=token[:12], created_at=now
    ).save()
    return token


async def user_for_token(token: str, *, now: datetime) -> CurrentUser | None:
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.owner, ApiToken.name)
        .where(ApiToken.token_hash == _sha256(token))
        .first()
    )
    if row is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    user = await get_user(row["owner"])
    return replace(user, token_name=row["name"]) if user else None


async def list_api_tokens(owner_id: int) -> list[dict[str, object]]:
    return list(
        await ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.prefix, ApiToken.created_at, ApiToken.last_used_at)
        .where(ApiToken.owner == owner_id)
        .order_by(ApiToken.created_at, ascending=False)
    )


async def revoke_api_token(owner_id: int, token_id: int) -> bool:
    deleted = (
        await ApiToken.delete().where((ApiToken.id == token_id) & (ApiToken.owner == owner_id)).returning(ApiToken.id)
    )
    return bool(deleted)


# -- the one-time setup link ---------------------------------------------------------------------------------------


async def issue_setup_token(*, now: datetime) -> str | None:
    """A fresh setup token while no user exists (older unused ones stop working); None once a user exists."""
    if await user_count():
        return None
    token = secrets.token_urlsafe(24)
    await SetupToken.delete().where(SetupToken.used_at.is_null())
    await SetupToken(token_hash=_sha256(token), created_at=now).save()
    return token


async def setup_token_valid(token: str) -> bool:
    if await user_count():
        return False
    return bool(
        await SetupToken.exists().where((SetupToken.token_hash == _sha256(token)) & SetupToken.used_at.is_null())
    )


async def complete_setup(token: str, email: str, password: str, *, now: datetime, timezone: str) -> CurrentUser:
    """Create the first (admin) user through the setup link, once."""
    if not await setup_token_valid(token):
        raise ValidationFailed({"token": N_("This setup link has already been used or is not valid.")})
    user = await create_user(email, password, admin=True, timezone=timezone)
    await SetupToken.update({SetupToken.used_at: now}).where(SetupToken.token_hash == _sha256(token))
    return user
