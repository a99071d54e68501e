"""Usage alerts: recorded once when a user crosses 80 % and 100 % of a daily or monthly limit, and when an instance
stays disconnected for more than INSTANCE_DOWN_AFTER during a running campaign.

A periodic job computes them from the recorded sends (never once per message); a unique index on (owner, kind,
period) and INSERT ... ON CONFLICT DO NOTHING make "once" hold across passes and processes. Alerts show until
dismissed; another periodic job POSTs them to the owner's webhook (`due_deliveries`, `delivered`, `failed`), so a
slow or failing receiver never touches the sender.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.accounts.profile import LimitUsage, get_profile, limit_usage
from models.tables import Alert, Campaign, UserProfile
from models.timezones import in_zone

THRESHOLDS = (80, 100)
INSTANCE_DOWN_AFTER = timedelta(minutes=5)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
INSERT_SQL = (
    'INSERT INTO arauto_alert ("owner", "kind", "period", "message", "created_at", "next_delivery_at", '
    '"delivery_attempts", "delivery_error") VALUES ({}, {}, {}, {}, {}, {}, 0, \'\') '
    'ON CONFLICT ("owner", "kind", "period") DO NOTHING RETURNING "id"'
)
LIMITED_USERS_SQL = (
    'SELECT "user" AS owner FROM arauto_user_profile WHERE daily_limit IS NOT NULL OR monthly_limit IS NOT NULL'
)
DOWN_SQL = (
    "SELECT c.owner, c.instance, MAX(h.at) AS since FROM arauto_campaign c "
    "JOIN arauto_campaign_history h ON h.campaign = c.id AND h.action = 'auto_pause' "
    "WHERE c.status = 'PAUSED' AND c.auto_paused = {} GROUP BY c.id, c.owner, c.instance"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    url: str
    secret: str
    body: dict[str, Any]
    attempts: int


async def record(owner_id: int, kind: str, period: str, message: str, *, now: datetime) -> bool:
    """Record the alert unless this owner already has it for this period; True when it is new."""
    rows = await Alert.raw(INSERT_SQL, owner_id, kind, period, message, now, now)
    return bool(rows)


def crossed(usage: LimitUsage) -> list[int]:
    """The thresholds (percent of the limit) that `usage` has reached."""
    if usage.limit is None:
        return []
    return [t for t in THRESHOLDS if usage.sent * 100 >= usage.limit * t]


async def check_limits(*, now: datetime) -> int:
    """Alerts for every user with a limit who has crossed a threshold today or this month; how many are new."""
    new = 0
    for row in await UserProfile.raw(LIMITED_USERS_SQL):
        owner = int(row["owner"])
        today, month = await limit_usage(owner, now=now)
        local = in_zone(now, (await get_profile(owner)).timezone)
        for name, usage, period in (
            ("daily", today, local.date().isoformat()),
            ("monthly", month, local.strftime("%Y-%m")),
        ):
            for threshold in crossed(usage):
                message = f"{usage.sent} of your {name} limit of {usage.limit} messages sent ({threshold} %)."
                new += await record(owner, f"{name}_{threshold}", period, message, now=now)
    return new


async def check_instances_down(*, now: datetime) -> int:
    """An alert per instance whose campaigns were paused by a disconnection more than INSTANCE_DOWN_AFTER ago and
    are still waiting for it (one per outage: the period names the moment it went down)."""
    since: dict[tuple[int, int], datetime] = {}
    for row in await Campaign.raw(DOWN_SQL, True):
        key = (int(row["owner"]), int(row["instance"]))
        at = row["since"] if isinstance(row["since"], datetime) else datetime.fromisoformat(str(row["since"]))
        since[key] = min(since.get(key, at), at)
    new = 0
    for (owner, instance), down_at in since.items():
        if down_at <= now - INSTANCE_DOWN_AFTER:
            message = f"Instance {instance} has been disconnected since {down_at.isoformat()}; its campaigns wait."
            new += await record(owner, "instance_down", f"instance:{instance}:{down_at.isoformat()}", message, now=now)
    return new


async def active(owner_id: int) -> list[dict[str, Any]]:
    """The owner's alerts not yet dismissed, newest first (the banner)."""
    return list(
        await Alert.select(Alert.id, Alert.kind, Alert.period, Alert.message, Alert.created_at)
        .where((Alert.owner == owner_id) & Alert.dismissed_at.is_null())
        .order_by(Alert.id, ascending=False)
        .limit(20)
    )


async def recent(owner_id: int) -> list[dict[str, Any]]:
    """The owner's last alerts, dismissed or not, with their delivery state (the account page)."""
    return list(await Alert.select().where(Alert.owner == owner_id).order_by(Alert.id, ascending=False).limit(50))


async def dismiss(owner_id: int, alert_id: int, *, now: datetime) -> None:
    await Alert.update({Alert.dismissed_at: now}).where(
        (Alert.id == alert_id) & (Alert.owner == owner_id) & Alert.dismissed_at.is_null()
    )


DUE_SQL = (
    "SELECT a.id, a.kind, a.period, a.message, a.created_at, a.delivery_attempts, u.email, "
    "p.alert_webhook_url AS url, p.alert_webhook_secret AS secret FROM arauto_alert a "
    'JOIN arauto_user_profile p ON p."user" = a.owner JOIN piccolo_user u ON u.id = a.owner '
    "WHERE a.delivered_at IS NULL AND a.next_delivery_at IS NOT NULL AND a.next_delivery_at <= {} "
    "AND p.alert_webhook_url <> '' ORDER BY a.id LIMIT {}"
)


async def due_deliveries(*, now: datetime, limit: int = 50) -> list[Delivery]:
    """Alerts waiting to be POSTed to their owner's webhook."""
    return [
        Delivery(
            id=int(row["id"]),
            url=str(row["url"]),
            secret=str(row["secret"]),
            attempts=int(row["delivery_attempts"]),
            body={
                "id": int(row["id"]),
                "kind": row["kind"],
                "period": row["period"],
                "message": row["message"],
                "user": row["email"],
                "createdAt": row["created_at"].isoformat(),
            },
        )
        for row in await Alert.raw(DUE_SQL, now, limit)
    ]


async def delivered(alert_id: int, *, now: datetime) -> None:
    await Alert.update({Alert.delivered_at: now, Alert.next_delivery_at: None, Alert.delivery_error: ""}).where(
        Alert.id == alert_id
    )


async def failed(alert_id: int, attempts: int, error: str, *, now: datetime) -> None:
    """One more failed try: again after the next RETRY_AFTER step, or never after MAX_ATTEMPTS."""
    tries = attempts + 1
    again = now + RETRY_AFTER[tries - 1] if tries < MAX_ATTEMPTS else None
    await Alert.update(
        {Alert.delivery_attempts: tries, Alert.next_delivery_at: again, Alert.delivery_error: error[:500]}
    ).where(Alert.id == alert_id)
