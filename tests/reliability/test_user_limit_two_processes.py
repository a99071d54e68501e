"""Two senders on one PostgreSQL database never exceed a user's daily limit (issue 15): the user-limit slot is a row
moved by compare-and-swap in each claim's transaction, so the last units cannot be taken twice."""

from __future__ import annotations

import asyncio

import pytest

from models.accounts.profile import update_own
from models.statuses import CampaignStatus
from models.tables import Campaign, UserProfile
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.database import POSTGRES_URL
from tests.reliability.servers import sends_per_number, start_arauto
from tests.sending_helpers import phones, sandbox_instance

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs DATABASE_URL=postgresql://..."),
]
LIMIT = 25


async def test_two_senders_on_postgresql_never_exceed_a_users_daily_limit(db, sandbox, make_user, tmp_path):
    sandbox.set_knobs(latency_ms=10)
    owner = await make_user()
    await update_own(owner.id, timezone="America/Sao_Paulo", alert_webhook_url="")
    await UserProfile.update({UserProfile.daily_limit: LIMIT}).where(UserProfile.user == owner.id)
    sandbox.put_instance("number-1")
    campaigns = []
    for n, name in enumerate((sandbox.instance, "number-1")):
        instance = await sandbox_instance(owner.id, sandbox, rate_per_minute=1200, instance_name=name)
        campaigns.append(
            await make_campaign(
                owner.id,
                instance.id,
                recipients=recipient_rows(phones(40, n * 1000)),
                status=CampaignStatus.RUNNING,
                rate_limit=1200,
            )
        )
    senders = [start_arauto(db, tmp_path), start_arauto(db, tmp_path)]
    try:
        for _ in range(200):  # until the limit is reached, then a while longer to see nothing more goes
            if sum(sends_per_number(sandbox).values()) >= LIMIT:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)
    finally:
        for sender in senders:
            sender.stop()
    sends = sends_per_number(sandbox)
    assert sum(sends.values()) == LIMIT and set(sends.values()) == {1}
    rows = [await Campaign.objects().get(Campaign.id == c.id) for c in campaigns]
    sent: list[int] = [r.sent_count for r in rows]
    assert sum(sent) == LIMIT and {r.status for r in rows} == {CampaignStatus.RUNNING.value}
    profile = await UserProfile.objects().get(UserProfile.user == owner.id)
    assert profile.day_sent == LIMIT
