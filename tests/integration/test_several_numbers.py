"""A campaign on several numbers against the sandbox over real HTTP, time driven by a FakeClock (issue 12, parts 2-3):
the sends spread within every number's cap and the campaign's rate; one number down, the others carry on; all
down, the campaign pauses and resumes by itself."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest

from models.campaigns.numbers import numbers_of, save_numbers
from models.instances.connection import connection_changed
from models.statuses import CampaignStatus, ConnectionState, MessageStatus
from models.tables import Campaign, CampaignMessage, NumberEvent
from scheduler import recovery
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.web import html
from tests.sending_helpers import (
    busiest_window,
    counters_match_statuses,
    dispatcher,
    phones,
    run_until_done,
    sandbox_instance,
    sent_times,
)

NAMES = ["sandbox", "two", "three"]



@pytest.fixture
async def owner(make_user):
    return await make_user()


async def numbers(owner: Any, sandbox: Any, count: int = 3, **fields: Any) -> list[Any]:
    found = []
    for name in NAMES[:count]:
        if name != sandbox.instance:
            sandbox.put_instance(name)
        found.append(await sandbox_instance(owner.id, sandbox, instance_name=name, **fields))
    return found


async def campaign_on(owner: Any, instances: list[Any], count: int, **fields: Any) -> Any:
    campaign = await make_campaign(
        owner.id,
        instances[0].id,
        recipients=recipient_rows(phones(count, fields.pop("start", 0)), {"name": "Ana"}),
        status=CampaignStatus.RUNNING,
        **fields,
    )
    await save_numbers(campaign.id, instances[0].id, tuple(i.id for i in instances))
    return campaign


async def sent_through(instance_id: int) -> list[datetime]:
    rows = await CampaignMessage.select(CampaignMessage.sent_at).where(
        (CampaignMessage.instance_id == instance_id) & CampaignMessage.sent_at.is_not_null()
    )
    return sorted(r["sent_at"] for r in rows)


def delivered_per_phone(sandbox: Any) -> Counter[str]:
    return Counter(m["key"]["remoteJid"].split("@")[0] for m in sandbox.messages())


async def test_a_campaign_on_three_numbers_spreads_its_sends_within_each_cap_and_its_rate(
    db, sandbox, clock, evolution, owner
):
    instances = await numbers(owner, sandbox, rate_per_minute=10)
    campaign = await campaign_on(owner, instances, 60, rate_limit=24)
    await run_until_done(dispatcher(clock, evolution), clock, step=0.5)
    per_number = [await sent_through(i.id) for i in instances]
    assert [len(times) for times in per_number] == [20, 20, 20]
    assert max(busiest_window(times, 60) for times in per_number) <= 10
    assert busiest_window(await sent_times(campaign.id), 60) <= 24
    assert set(delivered_per_phone(sandbox).values()) == {1} and len(delivered_per_phone(sandbox)) == 60


async def test_a_number_shared_with_another_campaign_stays_within_its_cap(db, sandbox, clock, evolution, owner):
    instances = await numbers(owner, sandbox, rate_per_minute=12)
    await campaign_on(owner, instances, 60, rate_limit=60)
    await campaign_on(owner, instances[1:2], 30, rate_limit=60, start=5000)
    sender = dispatcher(clock, evolution)
    for _ in range(360):  # three fake minutes in half-second steps
        await sender.run_pass()
        clock.advance(0.5)
    for instance in instances:
        assert busiest_window(await sent_through(instance.id), 60) <= 12


async def test_one_number_down_mid_run_the_others_complete_it_exactly_once(db, sandbox, clock, evolution, owner):
    instances = await numbers(owner, sandbox)
    campaign = await campaign_on(owner, instances, 30, rate_limit=60)
    sender = dispatcher(clock, evolution)
    while len(sandbox.messages()) < 9:
        await sender.run_pass()
        clock.advance(1)
    assert {m["instance"] for m in sandbox.messages()} == set(NAMES)  # all three were sending
    sandbox.set_state("close", instance="two")
    await run_until_done(sender, clock)
    assert delivered_per_phone(sandbox) == Counter({p: 1 for p in phones(30)})
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status == {"pending": 0, "sent": 30, "failed": 0, "skipped": 0, "total": 30}
    events = await NumberEvent.select(NumberEvent.instance, NumberEvent.event).where(
        NumberEvent.campaign == campaign.id
    )
    assert [(e["instance"], e["event"]) for e in events] == [(instances[1].id, "down")]  # carried on, never paused


async def test_all_numbers_down_pauses_and_one_back_resumes_without_spending_a_recipient(
    db, sandbox, clock, evolution, owner
):
    instances = await numbers(owner, sandbox, count=2)
    campaign = await campaign_on(owner, instances, 10, rate_limit=60)
    for name in NAMES[:2]:
        sandbox.set_state("close", instance=name)
    sender = dispatcher(clock, evolution)
    for _ in range(5):
        await sender.run_pass()
        clock.advance(1)
    paused = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (paused.status, paused.auto_paused) == (CampaignStatus.PAUSED.value, True)
    attempts = await CampaignMessage.select(CampaignMessage.attempts, CampaignMessage.status).where(
        CampaignMessage.campaign == campaign.id
    )
    assert {(r["attempts"], r["status"]) for r in attempts} == {(0, MessageStatus.PENDING.value)}
    sandbox.set_state("open", instance="two")
    assert await recovery.check_instances(evolution, now=clock.now()) == [campaign.id]
    await run_until_done(sender, clock)
    assert delivered_per_phone(sandbox) == Counter({p: 1 for p in phones(10)})
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status == {"pending": 0, "sent": 10, "failed": 0, "skipped": 0, "total": 10}


async def test_the_campaign_page_shows_each_numbers_sends_failures_state_and_outages(
    db, client, login, sandbox, clock, evolution, owner
):
    instances = await numbers(owner, sandbox)
    campaign = await campaign_on(owner, instances, 9, rate_limit=60)
    sender = dispatcher(clock, evolution)
    while len(sandbox.messages()) < 6:
        await sender.run_pass()
        clock.advance(1)
    await connection_changed(instances[2].id, ConnectionState.CLOSE, "Disconnected from WhatsApp", now=clock.now())
    await login(owner)
    block = html(await client.get(f"/campaigns/{campaign.id}")).select_one(f"#campaign-{campaign.id}-numbers")
    rows = {
        int(tr["data-instance"]): (
            tr.select_one("[data-state]")["data-state"],
            int(tr.select_one("[data-sent]")["data-sent"]),
        )
        for tr in block.select("tr[data-instance]")
    }
    assert rows == {instances[0].id: ("open", 2), instances[1].id: ("open", 2), instances[2].id: ("close", 2)}
    events = [li["data-event"] for li in block.select("li[data-event]")]
    assert events == ["down"] and "Disconnected from WhatsApp" in block.select_one("li[data-event]").get_text()
    assert block.has_attr("hx-trigger")  # RUNNING: it keeps itself fresh


async def test_the_form_saves_the_ticked_numbers_after_the_chosen_one(db, client, login, sandbox, owner):
    instances = await numbers(owner, sandbox)
    await login(owner)
    page = html(await client.get("/campaigns/new"))
    token = page.select_one('input[name="_csrf_token"]')["value"]
    assert len(page.select('input[name="other_instance_ids"]')) == 3
    form = [
        ("_csrf_token", token),
        ("name", "Two numbers"),
        ("instance_id", str(instances[1].id)),
        ("other_instance_ids", str(instances[2].id)),
        ("message", "Hello"),
        ("rate_limit", "20"),
        ("max_retries", "3"),
        ("precheck", "on"),
    ]
    body = urlencode(form).encode()
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = await client.post("/campaigns/", content=body, headers=headers)
    assert response.status_code == 303, response.text
    campaign = await Campaign.objects().where(Campaign.name == "Two numbers").first()
    assert await numbers_of(campaign) == [instances[1].id, instances[2].id]
    edit = html(await client.get(f"/campaigns/{campaign.id}/edit"))
    ticked = [box["value"] for box in edit.select('input[name="other_instance_ids"][checked]')]
    assert ticked == [str(instances[2].id)]
