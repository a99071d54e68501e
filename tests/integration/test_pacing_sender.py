"""Pacing enforced by the sender (issue 13), against the sandbox over real HTTP with a FakeClock: no send outside a
send window (across midnight and a daylight-saving change), expiry skips the rest and completes, the frequency cap
delays or skips exactly the right numbers, and each waiting state shows its reason and end in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.accounts.profile import update_own
from models.campaigns import history, lifecycle
from models.contacts.audience import pre_send_exclusions
from models.sending.pacing import EXPIRED, FREQUENCY_CAPPED
from models.statuses import CampaignStatus, ConnectionState, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance
from scheduler.dispatcher import Dispatcher
from tests.clock import FakeClock
from tests.factories import make_campaign, recipient_rows
from tests.integration.api_helpers import api_caller
from tests.sending_helpers import counters_match_statuses, dispatcher, phones, sandbox_instance, sent_times

NIGHT = {"days": ["sat"], "start": "23:30", "end": "03:30"}  # Saturday night into Sunday, in New York



async def run_for(sender: Dispatcher, clock: FakeClock, seconds: float, step: float) -> None:
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        await sender.run_pass()
        clock.advance(step)


async def running(owner_id: int, instance_id: int, count: int, start: int = 0, **fields: Any) -> Campaign:
    return await make_campaign(
        owner_id,
        instance_id,
        recipients=recipient_rows(phones(count, start), {"name": "Ana"}),
        status=CampaignStatus.RUNNING,
        **fields,
    )


async def waiting_of(client: Any, caller: Any, campaign_id: int) -> tuple[str | None, str | None]:
    body = (await client.get(f"/api/campaigns/{campaign_id}", headers=caller.headers)).json()
    return body["waitingReason"], body["waitingUntil"]


async def test_no_send_outside_a_night_window_across_midnight_and_the_dst_change(db, sandbox, clock, evolution, client,
                                                                                make_user):  # fmt: skip
    # New York springs forward at 02:00 on Sunday 2026-03-08: Saturday 23:30 EST is 04:30 UTC, Sunday 03:30 EDT is
    # 07:30 UTC. The window is three real hours long, not four.
    clock.current = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)  # Saturday 23:00 in New York
    caller = await api_caller(make_user)
    instance = await sandbox_instance(caller.user.id, sandbox)
    campaign = await running(
        caller.user.id, instance.id, 200, rate_limit=1, send_window='{"days":["sat"],"start":"23:30","end":"03:30"}',
        timezone="America/New_York",
    )  # fmt: skip
    assert await waiting_of(client, caller, campaign.id) == ("window", "2026-03-08T04:30:00+00:00")
    sender = dispatcher(clock, evolution, horizon=1.0)
    await run_for(sender, clock, 4 * 3600, step=120)  # to 04:00 EDT, in two-minute steps
    times = await sent_times(campaign.id)
    opened, closed = datetime(2026, 3, 8, 4, 30, tzinfo=UTC), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert all(opened <= t < closed for t in times), (times[0], times[-1])
    assert len(times) == 90 and times[0] == opened and times[-1] == closed - timedelta(minutes=2)
    # closed again: it waits for next Saturday 23:30, which is EDT now (03:30 UTC on Sunday the 15th)
    assert await waiting_of(client, caller, campaign.id) == ("window", "2026-03-15T03:30:00+00:00")
    pending = await CampaignMessage.count().where(
        (CampaignMessage.campaign == campaign.id) & (CampaignMessage.status == MessageStatus.PENDING.value)
    )
    assert pending == 110 and len(sandbox.messages()) == 90


async def test_the_campaign_page_says_why_it_waits_and_until_when_in_both_languages(db, clock, client, login,
                                                                                   make_user):  # fmt: skip
    from models.accounts.users import set_locale

    clock.current = datetime(2026, 1, 9, 23, 0, tzinfo=UTC)  # Friday 20:00 in Sao Paulo
    user = await make_user()
    await update_own(user.id, timezone="America/Sao_Paulo", alert_webhook_url="")
    instance = await Instance.objects().get(Instance.id == (await _instance(user.id)))
    window = '{"days":["mon","tue","wed","thu","fri"],"start":"09:00","end":"20:00"}'
    campaign = await running(user.id, instance.id, 3, send_window=window, timezone="America/Sao_Paulo")
    await login(user)
    page = (await client.get(f"/campaigns/{campaign.id}")).text
    assert "Waiting: outside the send window until Mon 09:00" in page
    await set_locale(user.id, "pt-BR")
    live = (await client.get(f"/campaigns/{campaign.id}/progress")).text
    assert "Aguardando: fora da janela de envio até seg 09:00" in live


async def _instance(owner_id: int) -> int:
    from tests.factories import make_instance

    return int((await make_instance(owner_id)).id)


async def test_expiry_skips_the_rest_and_completes_through_the_lifecycle(db, sandbox, clock, evolution, make_user):
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    campaign = await running(user.id, instance.id, 10, rate_limit=1, expires_at=clock.now() + timedelta(minutes=3.5))
    sender = dispatcher(clock, evolution, horizon=1.0)
    await run_for(sender, clock, 5 * 60, step=30)
    done = await Campaign.objects().get(Campaign.id == campaign.id)
    assert done.status == CampaignStatus.COMPLETED.value
    assert (done.sent_count, done.skipped_count, done.pending_count) == (4, 6, 0)
    assert len(sandbox.messages()) == 4 and max(await sent_times(campaign.id)) < campaign.expires_at
    skipped = await CampaignMessage.select(CampaignMessage.error).where(
        (CampaignMessage.campaign == campaign.id) & (CampaignMessage.status == MessageStatus.SKIPPED.value)
    )
    assert {row["error"] for row in skipped} == {EXPIRED}
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status
    last = (await history.entries(campaign.id))[-1]
    assert (last["action"], last["to_status"], last["source"]) == ("expire", "COMPLETED", "scheduler")


async def test_the_sweep_never_starts_a_campaign_that_expired_while_the_server_was_down(db, sandbox, clock, evolution,
                                                                                      make_user):  # fmt: skip
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox)
    campaign = await make_campaign(
        user.id,
        instance.id,
        recipients=recipient_rows(phones(5)),
        status=CampaignStatus.SCHEDULED,
        scheduled_for=clock.now() - timedelta(hours=2),
        expires_at=clock.now() - timedelta(hours=1),
    )
    ended = await lifecycle.start_when_due(campaign.id, now=clock.now())
    assert ended.status == CampaignStatus.COMPLETED.value and ended.pause_reason == lifecycle.EXPIRED_REASON
    assert (ended.skipped_count, ended.pending_count) == (5, 0) and ended.started_at is None
    await dispatcher(clock, evolution).run_pass()
    assert sandbox.messages() == []


async def sent_before(owner_id: int, instance_id: int, sent: dict[str, datetime]) -> Campaign:
    """A finished campaign of `owner_id` that sent to each number at the given time."""
    earlier = await make_campaign(
        owner_id,
        instance_id,
        recipients=[{"phone": phone, "status": MessageStatus.SENT} for phone in sent],
        status=CampaignStatus.COMPLETED,
    )
    for phone, at in sent.items():
        await CampaignMessage.update({CampaignMessage.sent_at: at}).where(
            (CampaignMessage.campaign == earlier.id) & (CampaignMessage.phone == phone)
        )
    return earlier


async def test_the_frequency_cap_delays_or_skips_exactly_the_right_numbers(db, sandbox, clock, evolution, client,
                                                                          make_user):  # fmt: skip
    caller = await api_caller(make_user)
    other = await make_user()
    instance = await sandbox_instance(caller.user.id, sandbox)
    now = clock.now()
    p = phones(5)
    earlier = await sent_before(
        caller.user.id,
        instance.id,
        {p[0]: now - timedelta(hours=1), p[1]: now - timedelta(hours=30), p[2]: now - timedelta(hours=10)},
    )
    await sent_before(other.id, (await sandbox_instance(other.id, sandbox)).id, {p[3]: now - timedelta(hours=1)})
    campaign = await running(
        caller.user.id, instance.id, 5, rate_limit=60, frequency_cap_hours=24, expires_at=now + timedelta(hours=20)
    )
    sender = dispatcher(clock, evolution, horizon=1.0)
    await run_for(sender, clock, 10, step=1)
    rows = {
        r["phone"]: r
        for r in await CampaignMessage.select().where(CampaignMessage.campaign == campaign.id)
    }  # fmt: skip
    # p0: capped until now + 23 h, after the expiry: skipped, naming the campaign that wrote to it
    assert rows[p[0]]["status"] == MessageStatus.SKIPPED.value
    assert rows[p[0]]["error"] == f"{FREQUENCY_CAPPED} (campaign {earlier.id})"
    # p2: capped until now + 14 h, before the expiry: waits, no attempt spent
    assert rows[p[2]]["status"] == MessageStatus.PENDING.value and rows[p[2]]["attempts"] == 0
    assert rows[p[2]]["next_attempt_at"] == now + timedelta(hours=14)
    # p1 (30 h ago), p3 (another user's campaign) and p4 (never) went
    assert {ph for ph, r in rows.items() if r["status"] == MessageStatus.SENT.value} == {p[1], p[3], p[4]}
    assert await waiting_of(client, caller, campaign.id) == ("frequency_cap", (now + timedelta(hours=14)).isoformat())
    clock.current = now + timedelta(hours=14, seconds=1)
    await run_for(sender, clock, 5, step=1)
    done = await Campaign.objects().get(Campaign.id == campaign.id)
    assert (done.status, done.sent_count, done.skipped_count) == (CampaignStatus.COMPLETED.value, 4, 1)


async def test_the_audience_preview_counts_the_frequency_capped_numbers_by_the_same_rule(db, make_user):
    user = await make_user()
    instance_id = await _instance(user.id)
    now = datetime.now(UTC)  # the preview is worked out at the real time
    p = phones(4, 700)
    await sent_before(user.id, instance_id, {p[0]: now - timedelta(hours=2), p[1]: now - timedelta(hours=50)})
    draft = await make_campaign(user.id, instance_id, recipients=recipient_rows(p), frequency_cap_hours=48)
    found = await pre_send_exclusions(user.id, draft.id, p)
    assert found["frequencyCapped"] == {p[0]}
    await Campaign.update({Campaign.frequency_cap_hours: None}).where(Campaign.id == draft.id)
    assert (await pre_send_exclusions(user.id, draft.id, p))["frequencyCapped"] == set()


async def test_every_number_down_is_a_waiting_state_with_no_known_end(db, clock, client, make_user):
    caller = await api_caller(make_user)
    campaign = await running(caller.user.id, caller.instance_id, 3)
    assert await waiting_of(client, caller, campaign.id) == (None, None)
    await Instance.update({Instance.state: ConnectionState.CLOSE.value}).where(Instance.id == caller.instance_id)
    assert await waiting_of(client, caller, campaign.id) == ("numbers_down", None)


async def test_a_reached_daily_cap_waits_until_the_next_cap_day(db, sandbox, clock, evolution, client, make_user):
    caller = await api_caller(make_user)
    instance = await sandbox_instance(caller.user.id, sandbox, daily_cap=3)
    campaign = await running(caller.user.id, instance.id, 5, rate_limit=60)
    await run_for(dispatcher(clock, evolution), clock, 10, step=1)
    assert len(sandbox.messages()) == 3
    assert await waiting_of(client, caller, campaign.id) == ("daily_cap", "2026-01-06T00:00:00+00:00")
