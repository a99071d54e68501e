"""A campaign's history: every status change (and edit) with who or what did it, from where, and when.

Rows are written only by `record`, called by the one transition function inside its transaction (and by the
editor for edits), so the history cannot disagree with the status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.errors import N_
from models.tables import CampaignHistory

SOURCES = ("page", "api", "scheduler", "instance", "admin")
# What the history page says for each stored code (the API answers the codes themselves).
WORDS = {
    "schedule": N_("Schedule set"),
    "unschedule": N_("Schedule removed"),
    "start": N_("Sending started"),
    "pause": N_("Sending paused"),
    "resume": N_("Sending resumed"),
    "cancel": N_("Campaign cancelled"),
    "complete": N_("Campaign completed"),
    "fail": N_("Campaign failed"),
    "auto_pause": N_("Paused automatically"),
    "auto_resume": N_("Resumed automatically"),
    "retry_failed": N_("Failed recipients queued again"),
    "expire": N_("Campaign expired"),
    "edit": N_("Campaign edited"),
    "page": N_("Page"),
    "api": N_("API"),
    "scheduler": N_("Scheduler"),
    "instance": N_("Number's connection"),
    "admin": N_("Administrator"),
}


@dataclass(frozen=True)
class Who:
    """Who or what acted (an e-mail, "API token <name>", "scheduler", an instance's name) and through what."""

    actor: str
    source: str


SCHEDULER = Who(actor="scheduler", source="scheduler")


def by_user(email: str, token_name: str, source: str) -> Who:
    """A user through a page, or through the API with a named token (the token's name says which script)."""
    return Who(actor=f"{email} (API token {token_name})" if token_name else email, source=source)


async def record(
    campaign_id: int,
    action: str,
    from_status: str,
    to_status: str,
    *,
    who: Who | None,
    now: datetime,
    reason: str = "",
) -> None:
    who = who or SCHEDULER
    await CampaignHistory(
        campaign=campaign_id,
        at=now,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=who.actor[:200],
        source=who.source,
        reason=reason,
    ).save()


async def entries(campaign_id: int) -> list[dict[str, Any]]:
    """The campaign's history, oldest first (the caller has checked that the campaign is the user's)."""
    return list(
        await CampaignHistory.select(
            CampaignHistory.at,
            CampaignHistory.action,
            CampaignHistory.from_status,
            CampaignHistory.to_status,
            CampaignHistory.actor,
            CampaignHistory.source,
            CampaignHistory.reason,
        )
        .where(CampaignHistory.campaign == campaign_id)
        .order_by(CampaignHistory.at)
        .order_by(CampaignHistory.id)
    )
