"""A small map of what was read lately, least recently used dropped first.

An app keeps one per thing its live pages re-read from every open tab (the send history, the recipients table's
first page), so a change is read once per process rather than once per tab. It lives in the app's state, never
at module level: each app (and each test) starts empty.

`shared` also covers the moment of the change itself: the tabs that ask for a key nobody has read yet, all at
once (200 tabs polling every 2 s: a few every 10 ms), wait for the one reading instead of each reading it too.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._reading: dict[K, asyncio.Future[V]] = {}

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, key: K) -> None:
        self._items.pop(key, None)

    def reading(self, key: K) -> bool:
        """Whether a `shared` read of `key` runs now."""
        return key in self._reading

    async def shared(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        """The value kept for `key`, else `read()`'s, read once however many tasks ask while it runs: they all get
        its value, or its exception (and the next ask reads again). The read runs in a task of its own, so a caller
        that goes away (a tab closed mid-poll) does not cancel it for the others."""
        found = self.get(key)
        if found is not None:
            return found
        reading = self._reading.get(key)
        if reading is None:
            reading = self._reading[key] = asyncio.ensure_future(self._read(key, read))
        return await asyncio.shield(reading)

    async def _read(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await read()
            self.put(key, value)
            return value
        finally:
            self._reading.pop(key, None)
