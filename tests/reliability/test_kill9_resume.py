"""A real sender killed with SIGKILL mid-campaign and restarted loses nothing and sends nothing twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.campaigns.numbers import save_numbers
from models.statuses import CampaignStatus
from models.tables import Campaign
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.database import POSTGRES_URL
from tests.reliability.servers import sends_per_instance, sends_per_number, start_arauto, wait_for
from tests.sending_helpers import counters_match_statuses, phones, sandbox_instance

RECIPIENTS = 60


async def fast_campaign(make_user: Any, sandbox: Any, count: int = RECIPIENTS, numbers: int = 1) -> Any:
    """A RUNNING campaign at 1200/min on `numbers` sandbox instances (each at 1200/min)."""
    owner = await make_user()
    instances = []
    for n in range(numbers):
        name = sandbox.instance if n == 0 else f"number-{n}"
        if n:
            sandbox.put_instance(name)
        instances.append(await sandbox_instance(owner.id, sandbox, rate_per_minute=1200, instance_name=name))
    campaign = await make_campaign(
        owner.id,
        instances[0].id,
        recipients=recipient_rows(phones(count)),
        status=CampaignStatus.RUNNING,
        rate_limit=1200,
    )
    await save_numbers(campaign.id, instances[0].id, tuple(i.id for i in instances))
    return campaign


async def campaign_status(campaign_id: int) -> Any:
    return (await Campaign.objects().get(Campaign.id == campaign_id)).status


async def wait_completed(campaign_id: int, timeout: float = 15.0) -> None:
    for _ in range(int(timeout * 10)):
        if await campaign_status(campaign_id) == CampaignStatus.COMPLETED:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"campaign {campaign_id} is {await campaign_status(campaign_id)}")


@pytest.mark.parametrize("numbers", [1, 3], ids=["one-number", "three-numbers"])
async def test_a_sender_killed_mid_campaign_and_restarted_sends_each_recipient_exactly_once(
    db, sandbox, make_user, tmp_path, numbers
):
    sandbox.set_knobs(latency_ms=20)
    campaign = await fast_campaign(make_user, sandbox, numbers=numbers)
    first = start_arauto(db, tmp_path)
    try:
        await asyncio.to_thread(wait_for, lambda: sum(sends_per_number(sandbox).values()) >= 15, 10)
        first.kill9()
    finally:
        first.stop()
    assert sum(sends_per_number(sandbox).values()) < RECIPIENTS  # really killed mid-campaign
    second = start_arauto(db, tmp_path)
    try:
        await wait_completed(campaign.id)
    finally:
        second.stop()
    sends = sends_per_number(sandbox)
    assert sorted(sends) == phones(RECIPIENTS) and set(sends.values()) == {1}
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["sent"] == RECIPIENTS
    assert len(sends_per_instance(sandbox)) == numbers  # every number took part


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the lock only exists for SQLite")
async def test_a_second_sender_on_the_same_sqlite_database_refuses_to_start(db, sandbox, tmp_path):
    first = start_arauto(db, tmp_path)
    try:
        second = start_arauto(db, tmp_path, wait=False)
        code = await asyncio.to_thread(second.process.wait, 15)
        assert code != 0
        assert "Another Arauto process is already sending from this SQLite database" in second.output()
    finally:
        first.stop()
