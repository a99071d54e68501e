"""The login throttle: attempts are counted per e-mail and per address, each on its own, in fixed windows.

Each attempt is counted by one atomic upsert *before* its password is checked, so parallel attempts cannot all slip
through a read-then-write gap. The e-mail and the address have separate limits: failures for other e-mails from a
shared address never count against an innocent e-mail, only (with a higher limit) against the address; and every
pause ends with its window, however long an attacker keeps trying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.tables import LoginThrottle

MAX_KEY_LENGTH = 300

COUNT_SQL = (
    'INSERT INTO arauto_login_throttle ("key", attempts, window_start) VALUES ({}, 1, {}) '
    'ON CONFLICT ("key") DO UPDATE SET '
    "attempts = CASE WHEN arauto_login_throttle.window_start <= {} THEN 1 "
    "ELSE arauto_login_throttle.attempts + 1 END, "
    "window_start = CASE WHEN arauto_login_throttle.window_start <= {} THEN {} "
    "ELSE arauto_login_throttle.window_start END "
    "RETURNING attempts, window_start"
)


@dataclass(frozen=True)
class Limits:
    per_email: int
    per_address: int
    window: timedelta


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"email:{email}"[:MAX_KEY_LENGTH], f"address:{address}"[:MAX_KEY_LENGTH]


async def _count(key: str, *, now: int, window: int) -> tuple[int, int]:
    rows = await LoginThrottle.raw(COUNT_SQL, key, now, now - window, now - window, now)
    return int(rows[0]["attempts"]), int(rows[0]["window_start"])


async def count_attempt(email: str, address: str, *, now: datetime, limits: Limits) -> int:
    """Count one attempt for this e-mail and this address; seconds to wait when either is over its limit (0: go
    ahead and check the password)."""
    now_s, window_s = int(now.timestamp()), int(limits.window.total_seconds())
    email_key, address_key = _keys(email, address)
    waits = []
    for key, limit in ((email_key, limits.per_email), (address_key, limits.per_address)):
        attempts, start = await _count(key, now=now_s, window=window_s)
        if attempts > limit:
            waits.append(max(1, start + window_s - now_s))
    return max(waits, default=0)


async def forget_success(email: str, address: str, *, now: datetime, window: timedelta) -> None:
    """A correct password: the e-mail starts afresh, the address gets its attempt back, stale windows go."""
    email_key, address_key = _keys(email, address)
    await LoginThrottle.delete().where(
        (LoginThrottle.key == email_key) | (LoginThrottle.window_start <= int((now - window).timestamp()))
    )
    await LoginThrottle.update({LoginThrottle.attempts: LoginThrottle.attempts - 1}).where(
        (LoginThrottle.key == address_key) & (LoginThrottle.attempts > 0)
    )
