"""Who holds a claim and whether it is still alive, so its claims are reconciled in seconds, not after the lease.

A worker id is `host:pid:tail` (scheduler/dispatcher.py's worker_id). A worker is dead when it ran on this host and
its process is gone (or its pid is ours and it is not us: we are its successor), or when its heartbeat fell silent
(every sender beats every BEAT_SECONDS, from any host, on PostgreSQL where several processes send). A sender whose
own beat is late stops sending (Dispatcher.heartbeat_fresh_for), so the others never take over claims it still
acts on.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

from models import sending

BEAT_SECONDS = 2.0
SILENT_AFTER_SECONDS = 9.0  # four beats missed: the others take its claims over (within 15 s of its death)
SEND_ONLY_IF_BEAT_WITHIN = SILENT_AFTER_SECONDS - 1.5 * BEAT_SECONDS  # stop sending well before others step in
HOST_LENGTH = 30


def this_host() -> str:
    return socket.gethostname()[:HOST_LENGTH]


def host_and_pid(worker: str) -> tuple[str, int] | None:
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    return (host, int(pid)) if pid.isdigit() else None


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def gone_from_this_host(worker: str, *, me: str) -> bool:
    """A worker of this host whose process is gone, or that had our pid before us (a container restarted)."""
    parsed = host_and_pid(worker)
    if parsed is None or worker == me or parsed[0] != this_host():
        return False
    return parsed[1] == os.getpid() or not process_exists(parsed[1])


async def dead_workers(*, me: str, now: datetime, judge_silence: bool) -> list[str]:
    """Workers holding claims that are dead (gone from this host, or silent), never `me`. Silence is judged only
    by a worker that has itself beaten without a gap for SILENT_AFTER_SECONDS (`judge_silence`): after a database
    outage every worker is late, and each gets that long to beat again before the others call it dead."""
    holders = set(await sending.claim_holders())
    silent: set[str] = set()
    if judge_silence:
        silent = set(await sending.silent_workers(now=now, silence=SILENT_AFTER_SECONDS))
        await sending.forget_workers(sorted(silent - holders - {me}))  # dead and owing nothing: forgotten
    return sorted(w for w in holders if w != me and (w in silent or gone_from_this_host(w, me=me)))
