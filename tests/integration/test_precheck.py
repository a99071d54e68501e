"""The number pre-check against the sandbox over real HTTP, time driven by a FakeClock (issue 12, part 1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models import sending
from models.campaigns.numbers import save_numbers
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage
from scheduler import precheck
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import counters_match_statuses, dispatcher, phones, run_until_done, sandbox_instance

NOT_ON = ["5511900000001", "5511900000004"]
NINTH_DIGIT = "5531987654321"  # Evolution resolves it to the JID without the 9 (sandbox rule, as createJid does)



@pytest.fixture
async def owner(make_user):
    return await make_user()


async def precheck_campaign(owner: Any, instance: Any, numbers: list[str], **fields: Any) -> Any:
    return await make_campaign(
        owner.id,
        instance.id,
        recipients=recipient_rows(numbers, {"name": "Ana"}),
        status=fields.pop("status", CampaignStatus.RUNNING),
        rate_limit=60,
        precheck=True,
        **fields,
    )


def sends(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["path"].startswith("/message/send")]


def checks(sandbox: Any) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["path"].startswith("/chat/whatsappNumbers")]


async def statuses(campaign_id: int) -> dict[str, tuple[str, str, str]]:
    rows = await CampaignMessage.select(
        CampaignMessage.phone, CampaignMessage.status, CampaignMessage.error, CampaignMessage.whatsapp_jid
    ).where(CampaignMessage.campaign == campaign_id)
    return {r["phone"]: (r["status"], r["error"], r["whatsapp_jid"]) for r in rows}


async def test_no_send_ever_reaches_a_number_the_check_said_is_not_on_whatsapp(db, sandbox, clock, evolution, owner):
    sandbox.set_knobs(not_on_whatsapp=NOT_ON)
    campaign = await precheck_campaign(owner, await sandbox_instance(owner.id, sandbox), phones(6))
    await run_until_done(dispatcher(clock, evolution), clock)
    sent_to = sorted(r["body"]["number"] for r in sends(sandbox))
    assert sent_to == sorted(f"{p}@s.whatsapp.net" for p in phones(6) if p not in NOT_ON)
    rows = await statuses(campaign.id)
    skipped = (MessageStatus.SKIPPED.value, sending.NOT_ON_WHATSAPP)
    assert {p: rows[p][:2] for p in NOT_ON} == dict.fromkeys(NOT_ON, skipped)
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status == {"pending": 0, "sent": 4, "failed": 0, "skipped": 2, "total": 6}


async def test_the_send_goes_to_the_jid_evolution_resolved_not_the_typed_number(db, sandbox, clock, evolution, owner):
    campaign = await precheck_campaign(owner, await sandbox_instance(owner.id, sandbox), [NINTH_DIGIT])
    await run_until_done(dispatcher(clock, evolution), clock)
    assert [r["body"]["number"] for r in sends(sandbox)] == ["553187654321@s.whatsapp.net"]
    status, _, jid = (await statuses(campaign.id))[NINTH_DIGIT]
    assert (status, jid) == (MessageStatus.SENT.value, "553187654321@s.whatsapp.net")


async def test_a_failed_check_skips_nobody_and_sending_waits_until_a_check_succeeds(
    db, sandbox, clock, evolution, owner
):
    sandbox.set_knobs(not_on_whatsapp=NOT_ON)
    campaign = await precheck_campaign(owner, await sandbox_instance(owner.id, sandbox), phones(3))
    sandbox.set_state("close")  # whatsappNumbers answers 400 "Connection Closed"
    sender = dispatcher(clock, evolution)
    for _ in range(10):
        await sender.run_pass()
        clock.advance(1)
    assert len(checks(sandbox)) >= 2 and sends(sandbox) == []  # asked again later, never sent unchecked
    assert {s for s, _, _ in (await statuses(campaign.id)).values()} == {MessageStatus.PENDING.value}
    sandbox.set_state("open")
    await run_until_done(sender, clock)
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status == {"pending": 0, "sent": 2, "failed": 0, "skipped": 1, "total": 3}


async def test_checks_go_fifty_numbers_a_call_at_most_one_call_per_interval(db, sandbox, clock, evolution, owner):
    await precheck_campaign(owner, await sandbox_instance(owner.id, sandbox), phones(120))
    sender = dispatcher(clock, evolution)
    await sender.run_pass()
    await sender.run_pass()
    assert [len(r["body"]["numbers"]) for r in checks(sandbox)] == [50]
    clock.advance(sending.CHECK_INTERVAL)
    await sender.run_pass()
    assert [len(r["body"]["numbers"]) for r in checks(sandbox)] == [50, 50]


async def test_results_are_reused_across_the_users_campaigns_for_thirty_days(db, sandbox, clock, evolution, owner):
    sandbox.set_knobs(not_on_whatsapp=NOT_ON)
    instance = await sandbox_instance(owner.id, sandbox)
    await precheck_campaign(owner, instance, phones(5))
    await run_until_done(dispatcher(clock, evolution), clock)
    asked = len(checks(sandbox))
    second = await precheck_campaign(owner, instance, phones(5), name="Again")
    await run_until_done(dispatcher(clock, evolution), clock)
    assert len(checks(sandbox)) == asked
    assert (await statuses(second.id))[NOT_ON[0]][:2] == (MessageStatus.SKIPPED.value, sending.NOT_ON_WHATSAPP)
    clock.advance(timedelta(days=31).total_seconds())
    await precheck_campaign(owner, instance, phones(5), name="A month later")
    await run_until_done(dispatcher(clock, evolution), clock)
    assert len(checks(sandbox)) == asked + 1


async def test_not_on_whatsapp_answers_from_stored_results_by_user_and_number(db, sandbox, clock, evolution, owner):
    sandbox.set_knobs(not_on_whatsapp=NOT_ON)
    await precheck_campaign(owner, await sandbox_instance(owner.id, sandbox), phones(5))
    await run_until_done(dispatcher(clock, evolution), clock)
    found = await sending.not_on_whatsapp(owner.id, [*phones(6)], now=clock.now())
    assert found == set(NOT_ON)


async def test_with_its_first_number_down_a_campaign_checks_through_another(db, sandbox, clock, evolution, owner):
    first = await sandbox_instance(owner.id, sandbox, state="close")
    sandbox.put_instance("two")
    second = await sandbox_instance(owner.id, sandbox, instance_name="two")
    campaign = await precheck_campaign(owner, first, phones(3))
    await save_numbers(campaign.id, first.id, (first.id, second.id))
    await precheck.check_numbers(evolution, now=clock.now())
    assert [r["path"] for r in checks(sandbox)] == ["/chat/whatsappNumbers/two"]
    assert {jid for _, _, jid in (await statuses(campaign.id)).values()} == {f"{p}@s.whatsapp.net" for p in phones(3)}
