"""One computation of the live block per campaign per tick, shared by every tab that polls it.

Each poll asks the database only for the campaign's version (its row, its instance's row, the running campaigns
beside it: `live_version`), which is how a write by the sender, another page or another process is seen. While the
version is unchanged and the computation is younger than a tick, every tab reuses it; the tick bounds how stale the
rates (sends in the last minute) may get. The stamp is a digest of what the block shows, so an unchanged block
keeps its stamp across ticks and the route can answer 304 (views/campaigns/detail.py). Entries are keyed by
campaign AND owner, and the version query filters by owner, so no user ever gets another user's campaign.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.campaigns.live_progress import live_version, live_view
from models.campaigns.view import CampaignView
from models.recent import Recent

TICK = timedelta(seconds=2)  # the page polls every 2 s: one computation per campaign per poll interval


@dataclass(frozen=True)
class LiveEntry:
    view: CampaignView
    version: tuple[Any, ...]
    computed_at: datetime
    stamp: str  # the same stamp draws the same block (for the same user, locale and request)
    began: float = 0.0  # time.monotonic() when its computation began (it read the database after that)

    def fresh(self, version: tuple[Any, ...], now: datetime) -> bool:
        return self.version == version and self.young(now)

    def young(self, now: datetime) -> bool:
        return timedelta(0) <= now - self.computed_at < TICK


class LiveViews:
    """One per app (in its state): the latest computation per (campaign, owner), and one computation at a time."""

    def __init__(self, size: int = 256) -> None:
        self._entries: Recent[tuple[int, int], LiveEntry] = Recent(size)
        self._computing: dict[tuple[int, int], asyncio.Lock] = {}

    async def get(self, campaign_id: int, *, owner_id: int, now: datetime) -> LiveEntry:
        """The block's view, recomputed only when the version moved or a tick passed (NotFoundOrNotYours).

        The tab that finds it stale computes it; the tabs that ask while it does take the last computation (younger
        than a tick) instead of queueing behind it, and see the new one at their next poll. Without one, they wait
        for that computation and take it: one that began after a tab asked read the database after the tab did, so
        it is at least as new as what the tab would compute (before, each tab that had read the version before the
        sender's next write recomputed in turn behind the lock: a convoy, seconds long under load)."""
        key = (campaign_id, owner_id)
        asked = time.monotonic()
        version = await live_version(campaign_id, owner_id=owner_id)
        entry = self._entries.get(key)
        if entry is not None and entry.fresh(version, now):
            return entry
        busy = self._computing.get(key)
        if busy is not None and busy.locked() and entry is not None and entry.young(now):
            return entry  # another tab is computing the next one: this poll takes the last, the next poll the new
        lock = self._computing.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                entry = self._entries.get(key)
                if entry is None or not (entry.fresh(version, now) or entry.began >= asked):
                    began = time.monotonic()
                    view = await live_view(campaign_id, owner_id=owner_id, now=now)
                    entry = LiveEntry(view, version, now, stamp_of(view), began)
                    self._entries.put(key, entry)
                return entry
        finally:
            if not lock.locked():
                self._computing.pop(key, None)


def stamp_of(view: CampaignView) -> str:
    """A digest of everything the block is drawn from (the campaign row, its progress, what the user may do)."""
    campaign = sorted((str(name), repr(value)) for name, value in view.campaign.to_dict().items())
    drawn = (
        view.progress,
        view.actions,
        view.can_edit,
        view.can_edit_message,
        view.can_retry,
        view.retryable,
        view.waiting,
    )
    return hashlib.sha256(repr((campaign, drawn, view.instance_name)).encode()).hexdigest()[:32]
