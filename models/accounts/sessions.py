"""Server-side sessions: the encrypted cookie carries only a random key; the database row behind it is the truth.

Deleting the row ends the session at once in every process (logout, a password change, a disabled user), and a
session unused for longer than the idle limit is refused and removed. `last_seen_at` is written at most once a
minute per session, so browsing costs a read, not a write, per request: and once per process, however many requests
(a page's polling tabs) read the old time while the first one writes the new one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from models.engines import point_reads
from models.recent import Recent
from models.tables import UserSession

TOUCH_EVERY = timedelta(minutes=1)
MAX_LIFETIME = timedelta(days=14)
MAX_KEY_LENGTH = 100
MAX_REMEMBERED_TOUCHES = 10_000
# One per app (in its state): key hash -> when this process last wrote (or began writing) the session's last_seen_at.
SessionTouches = Recent[str, datetime]
LIVE_SQL = (
    "SELECT s.owner, s.created_at, s.last_seen_at, u.email, u.admin, p.timezone, p.locale FROM arauto_session s "
    "JOIN piccolo_user u ON u.id = s.owner AND u.active = {} "
    'LEFT JOIN arauto_user_profile p ON p."user" = s.owner WHERE s.key_hash = {}'
)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def start_session(user_id: int, *, now: datetime) -> str:
    """A new session for `user_id`; the key is returned once (only its hash is stored)."""
    key = secrets.token_urlsafe(32)
    await UserSession(key_hash=_hash(key), owner=user_id, created_at=now, last_seen_at=now).save()
    return key


def session_touches() -> SessionTouches:
    return SessionTouches(MAX_REMEMBERED_TOUCHES)


async def live_session(key: str, *, now: datetime, idle: timedelta, touched: SessionTouches) -> dict[str, Any] | None:
    """The account behind a live session of an active user (`owner, email, admin, timezone, locale`), touching the
    session; None when it was ended, idled out or is too old. One query on the way in: it runs on every request."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    key_hash = _hash(key)
    with point_reads():  # by the key's hash (unique), then its user and profile by key
        rows = await UserSession.raw(LIVE_SQL, True, key_hash)
    if not rows:
        return None
    row: dict[str, Any] = rows[0]
    if row["last_seen_at"] <= now - idle or row["created_at"] <= now - MAX_LIFETIME:
        await UserSession.delete().where(UserSession.key_hash == key_hash)
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        await _touch(key_hash, now, touched)
    return row


async def _touch(key_hash: str, now: datetime, touched: SessionTouches) -> None:
    """Write the session's `last_seen_at`, unless this process wrote it (or is writing it) less than a minute ago."""
    last = touched.get(key_hash)
    if last is not None and now - last < TOUCH_EVERY:
        return
    touched.put(key_hash, now)
    try:
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.key_hash == key_hash)
    except BaseException:
        touched.forget(key_hash)  # not written: the next request tries again
        raise


async def end_session(key: str) -> None:
    if key and len(key) <= MAX_KEY_LENGTH:
        await UserSession.delete().where(UserSession.key_hash == _hash(key))


async def end_user_sessions(user_id: int) -> None:
    """Sign the user out everywhere (password changed, account disabled)."""
    await UserSession.delete().where(UserSession.owner == user_id)


async def purge_idle_sessions(*, now: datetime, idle: timedelta) -> None:
    """Drop sessions nobody can use any more (called at each login, so the table stays small)."""
    await UserSession.delete().where(
        (UserSession.last_seen_at <= now - idle) | (UserSession.created_at <= now - MAX_LIFETIME)
    )
