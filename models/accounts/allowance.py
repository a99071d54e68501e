"""Whether a campaign fits what is left of its owner's daily and monthly limits (flagged before Start, issue 15).

The limits themselves are counted where the usage is (models/accounts/profile.py, `limit_usage`); this module only
compares a number of messages with what is left of them today and this month, in the user's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.accounts.profile import LimitUsage, limit_usage


@dataclass(frozen=True)
class Allowance:
    """`will_send` messages against what is left today and this month (None: no limit)."""

    will_send: int
    today_left: int | None
    month_left: int | None

    @property
    def exceeds_daily(self) -> bool:
        return self.today_left is not None and self.will_send > self.today_left

    @property
    def exceeds_monthly(self) -> bool:
        return self.month_left is not None and self.will_send > self.month_left

    @property
    def beyond_month(self) -> int:
        """Messages that must wait for next month's allowance (0 when the campaign fits)."""
        return max(0, self.will_send - self.month_left) if self.month_left is not None else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "allowanceLeft": {"today": self.today_left, "thisMonth": self.month_left},
            "exceedsDailyAllowance": self.exceeds_daily,
            "exceedsMonthlyAllowance": self.exceeds_monthly,
        }


def left(usage: LimitUsage) -> int | None:
    return None if usage.limit is None else max(0, usage.limit - usage.sent)


def allowance_of(will_send: int, today: LimitUsage, this_month: LimitUsage) -> Allowance:
    return Allowance(will_send=will_send, today_left=left(today), month_left=left(this_month))


async def allowance(owner_id: int, will_send: int, *, now: datetime) -> Allowance:
    """`will_send` messages against the owner's limits as they stand at `now`."""
    today, this_month = await limit_usage(owner_id, now=now)
    return allowance_of(will_send, today, this_month)
