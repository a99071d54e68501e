"""Two senders keep working through a PostgreSQL restart: every message still goes out exactly once.

Opt-in (ARAUTO_TEST_POSTGRES_RESTART=1): it restarts the machine's PostgreSQL server with pg_ctlcluster, which
every other client of that server feels too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.database import POSTGRES_URL
from tests.reliability.servers import sends_per_number, start_arauto, wait_for
from tests.reliability.test_kill9_resume import fast_campaign, wait_completed
from tests.sending_helpers import counters_match_statuses, phones

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://..."),
    pytest.mark.skipif(
        os.environ.get("ARAUTO_TEST_POSTGRES_RESTART") != "1" or not shutil.which("pg_ctlcluster"),
        reason="restarts the PostgreSQL server: set ARAUTO_TEST_POSTGRES_RESTART=1 (needs pg_ctlcluster)",
    ),
]
RECIPIENTS = 120


def restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"], check=True)
    subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-t", "30"], check=True)


async def test_senders_survive_a_postgres_restart_without_losing_or_repeating_a_message(
    db, sandbox, make_user, tmp_path
):
    sandbox.set_knobs(latency_ms=20)
    campaign = await fast_campaign(make_user, sandbox, count=RECIPIENTS)
    senders = [start_arauto(db, tmp_path), start_arauto(db, tmp_path)]
    try:
        await asyncio.to_thread(wait_for, lambda: sum(sends_per_number(sandbox).values()) >= 20, 15)
        await asyncio.to_thread(restart_postgres)
        assert sum(sends_per_number(sandbox).values()) < RECIPIENTS  # really restarted mid-campaign
        await wait_completed(campaign.id, timeout=90)
    finally:
        for sender in senders:
            sender.stop()
    sends = sends_per_number(sandbox)
    assert sorted(sends) == phones(RECIPIENTS) and set(sends.values()) == {1}
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["sent"] == RECIPIENTS
