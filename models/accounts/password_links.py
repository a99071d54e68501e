"""One-time links to set a password: an admin creates an account without typing anyone's password.

Like the setup link, the token is random, stored only as its SHA-256, works once (one conditional UPDATE marks it
used, so two clicks cannot both win) and expires after LINK_VALID_FOR.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser

from models.accounts.admin import UserRecord, checked_changes, email_taken, get_record, unusable_password
from models.accounts.passwords import password_problem
from models.accounts.sessions import end_user_sessions
from models.accounts.users import CurrentUser, email_problem, get_user, normalise_email
from models.errors import ValidationFailed
from models.tables import PasswordLink, UserProfile

LINK_VALID_FOR = timedelta(days=3)
INVALID = "This link has already been used, has expired or is not valid. Ask your administrator for a new one."
MAX_TOKEN_LENGTH = 100


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if problem := email_problem(email):
        raise ValidationFailed({"email": problem})
    return email


async def invite_user(email: str, profile: dict[str, object], *, admin: bool, now: datetime) -> tuple[UserRecord, str]:
    """A new active account with no usable password, and the link (returned once) that lets its owner set one."""
    email = _check_email(email)
    clean = checked_changes({"timezone": "UTC", "locale": "en", **profile})
    if await email_taken(email):
        raise ValidationFailed({"email": "A user with this e-mail already exists."})
    password = await asyncio.to_thread(unusable_password)
    user = BaseUser(username=email, email=email, password=password, active=True, admin=admin, superuser=admin)
    await user.save()
    await UserProfile(user=user.id, **clean).save()
    return await get_record(user.id), await issue_link(user.id, now=now)


async def issue_link(user_id: int, *, now: datetime) -> str:
    """A fresh link for the user; their older unused links stop working."""
    token = secrets.token_urlsafe(24)
    await PasswordLink.delete().where((PasswordLink.user == user_id) & PasswordLink.used_at.is_null())
    await PasswordLink(user=user_id, token_hash=_sha256(token), created_at=now, expires_at=now + LINK_VALID_FOR).save()
    return token


def _usable(token: str, now: datetime) -> Any:
    return (
        (PasswordLink.token_hash == _sha256(token)) & PasswordLink.used_at.is_null() & (PasswordLink.expires_at > now)
    )


async def link_email(token: str, *, now: datetime) -> str | None:
    """The e-mail of the account the link sets a password for, or None when the link cannot be used."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = await PasswordLink.select(PasswordLink.user.email).where(_usable(token, now)).first()
    return str(row["user.email"]) if row else None


async def use_link(token: str, password: str, *, now: datetime) -> CurrentUser:
    """Set the password through the link, once; the account's sessions (if any) end."""
    email = await link_email(token, now=now)
    if email is None:
        raise ValidationFailed({"token": INVALID})
    problem = await asyncio.to_thread(
        password_problem, password, max_length=BaseUser._max_password_length, user_inputs=(email, email.split("@")[0])
    )
    if problem:
        raise ValidationFailed({"password": problem})
    used = (
        await PasswordLink.update({PasswordLink.used_at: now}).where(_usable(token, now)).returning(PasswordLink.user)
    )
    if not used:
        raise ValidationFailed({"token": INVALID})
    user_id = int(used[0]["user"])
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    await BaseUser.update({BaseUser.password: hashed}).where(BaseUser.id == user_id)
    await end_user_sessions(user_id)
    user = await get_user(user_id)
    if user is None:
        raise ValidationFailed({"token": INVALID})
    return user
