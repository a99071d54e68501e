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
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.campaigns.live_progress import live_version, live_view
from models.campaigns.view import CampaignView
from models.errors import NotFoundOrNotYours
from models.recent import Recent

log = logging.getLogger(__name__)
TICK = timedelta(seconds=2)  # the page polls every 2 s: one computation per campaign per poll interval
REFRESH_GAP = 0.1  # seconds between a watched campaign's refreshes at most (its polls compute in between)


@dataclass(frozen=True)
class LiveEntry:
    view: CampaignView
    version: tuple[Any, ...]
    computed_at: datetime
    stamp: str  # the same stamp draws the same block (for the same user, locale and request)

    def fresh(self, version: tuple[Any, ...], now: datetime) -> bool:
        return self.version == version and self.young(now)

    def young(self, now: datetime) -> bool:
        return timedelta(0) <= now - self.computed_at < TICK


class LiveViews:
    """One per app (in its state): the latest computation per (campaign, owner), one computation at a time each."""

    def __init__(self, size: int = 256) -> None:
        self._entries: Recent[tuple[int, int], LiveEntry] = Recent(size)
        self._underway: dict[tuple[int, int], asyncio.Future[LiveEntry]] = {}
        self._watched: dict[int, dict[int, float]] = {}  # campaign -> owner -> when a tab last asked (monotonic)
        self._refreshing: dict[tuple[int, int], asyncio.Future[None]] = {}
        self._again: set[tuple[int, int]] = set()

    async def get(self, campaign_id: int, *, owner_id: int, now: datetime) -> LiveEntry:
        """The block's view, recomputed only when the version moved or a tick passed (NotFoundOrNotYours).

        A poll that finds it stale while a computation runs waits for that one and takes it when it is as new as
        what the poll read, or younger than a tick (a write that landed during it is the next poll's); it never
        queues behind a second one (before, each tab that had read the version before the sender's next write
        recomputed in turn: a convoy, seconds long under load). With none running, the poll starts one."""
        key = (campaign_id, owner_id)
        version = await live_version(campaign_id, owner_id=owner_id)
        self._watched.setdefault(campaign_id, {})[owner_id] = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.fresh(version, now):
            return entry
        underway = self._underway.get(key)
        if underway is not None:
            newer = await asyncio.shield(underway)
            if newer.fresh(version, now) or newer.young(now):
                return newer
        return await asyncio.shield(self._start(key, version, now))

    def _start(self, key: tuple[int, int], version: tuple[Any, ...], now: datetime) -> asyncio.Future[LiveEntry]:
        """The computation of `key` under way, or a new one for `version` (read before it: a write landing during
        it moves the version again, so the next poll recomputes rather than keeping data older than its version).
        It runs in a task of its own: a tab that goes away does not cancel it for the others."""
        underway = self._underway.get(key)
        if underway is None:
            underway = self._underway[key] = asyncio.ensure_future(self._computation(key, version, now))
        return underway

    async def _computation(self, key: tuple[int, int], version: tuple[Any, ...], now: datetime) -> LiveEntry:
        try:
            view = await live_view(key[0], owner_id=key[1], now=now)
            entry = LiveEntry(view, version, now, stamp_of(view))
            self._entries.put(key, entry)
            return entry
        finally:
            self._underway.pop(key, None)

    def refresh_soon(
        self,
        campaign_id: int,
        *,
        now: Callable[[], datetime],
        then: Callable[[LiveEntry], Awaitable[object]] | None = None,
    ) -> None:
        """After this process wrote to the campaign (its sender's send, an action): compute its block now, for each
        owner whose tab asked within the last two ticks, so that the poll that next finds the version moved takes
        the new computation (or waits for the rest of it) instead of making all of it while it waits: the one slow
        poll per change of a busy campaign. One refresh per key at a time; writes meanwhile ask for one more after
        it; `then` reads ahead what the poll will draw from a new computation. Polls still check the version:
        another process's writes are computed by the poll that sees them."""
        watchers = self._watched.get(campaign_id)
        if not watchers:
            return
        recent = time.monotonic() - 2 * TICK.total_seconds()
        for owner_id, asked in list(watchers.items()):
            if asked < recent:
                del watchers[owner_id]
                continue
            key = (campaign_id, owner_id)
            if key in self._refreshing:
                self._again.add(key)
            else:
                self._refreshing[key] = asyncio.ensure_future(self._refresh(key, now, then))
        if not watchers:
            del self._watched[campaign_id]

    async def _refresh(
        self,
        key: tuple[int, int],
        now: Callable[[], datetime],
        then: Callable[[LiveEntry], Awaitable[object]] | None,
    ) -> None:
        try:
            while True:
                self._again.discard(key)
                began = time.monotonic()
                underway = self._underway.get(key)
                if underway is not None:  # a poll's computation: it may predate the write, so one more after it
                    await asyncio.shield(underway)
                    self._again.add(key)
                    continue
                version = await live_version(key[0], owner_id=key[1])
                entry = self._entries.get(key)
                if entry is None or not entry.fresh(version, now()):
                    entry = await asyncio.shield(self._start(key, version, now()))
                    if then is not None:
                        await then(entry)
                if key not in self._again:
                    return
                await asyncio.sleep(max(0.0, began + REFRESH_GAP - time.monotonic()))  # a fast sender: not per send
        except NotFoundOrNotYours:
            return
        except Exception:  # a failed refresh only means that the next poll computes the block itself
            log.debug("live block refresh of %s failed", key, exc_info=True)
        finally:
            self._refreshing.pop(key, None)
            self._again.discard(key)

    async def close(self) -> None:
        """Cancel the refreshes and computations under way (the app is stopping)."""
        tasks: list[asyncio.Future[Any]] = [*self._refreshing.values(), *self._underway.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


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
