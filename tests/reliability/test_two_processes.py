"""Two senders on one PostgreSQL database split the work and send every message exactly once."""

from __future__ import annotations

import pytest

from tests.fixtures.database import POSTGRES_URL
from tests.reliability.servers import sends_per_instance, sends_per_number, start_arauto
from tests.reliability.test_kill9_resume import fast_campaign, wait_completed
from tests.sending_helpers import counters_match_statuses, phones

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://..."),
]
RECIPIENTS = 80


@pytest.mark.parametrize("numbers", [1, 3], ids=["one-number", "three-numbers"])
async def test_two_senders_on_postgresql_send_every_message_exactly_once(db, sandbox, make_user, tmp_path, numbers):
    sandbox.set_knobs(latency_ms=10)
    campaign = await fast_campaign(make_user, sandbox, count=RECIPIENTS, numbers=numbers)
    senders = [start_arauto(db, tmp_path), start_arauto(db, tmp_path)]
    try:
        await wait_completed(campaign.id, timeout=20)
    finally:
        for sender in senders:
            sender.stop()
    sends = sends_per_number(sandbox)
    assert sorted(sends) == phones(RECIPIENTS) and set(sends.values()) == {1}
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["sent"] == RECIPIENTS
    assert len(sends_per_instance(sandbox)) == numbers
