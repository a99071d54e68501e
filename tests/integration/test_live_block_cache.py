"""The polled live block costs almost nothing per poll: tabs share one computation per campaign per tick, an
unchanged block answers 304 through its ETag, and the version check sees every write, from any process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from app import create_app
from models import sending
from models.accounts.users import CurrentUser
from models.campaigns import live_cache
from models.recent import Recent
from models.recipients import campaign_table
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage
from scheduler.dispatcher import record_sent
from scheduler.evolution_results import Sent
from settings import Settings
from tests.clock import FakeClock
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import Login, html, post_form, serving
from views.campaigns import detail


async def _running(user: CurrentUser, statuses: list[MessageStatus]) -> Campaign:
    instance = await make_instance(user.id, rate_per_minute=60)
    rows = [{"phone": f"55119666{n:05d}", "status": status} for n, status in enumerate(statuses)]
    return await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Every call of `module.name` from now on (its first argument); each call still made."""
    real = getattr(module, name)
    calls: list[Any] = []

    async def counted_async(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return await real(first, *args, **kwargs)

    def counted(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(module, name, counted_async if asyncio.iscoroutinefunction(real) else counted)
    return calls


async def _poll(http: httpx.AsyncClient, campaign: Campaign, etag: str = "") -> httpx.Response:
    """A tab's quiet poll: it sends back the fingerprint it shows and, once it has one, the block's ETag."""
    page = await http.get(f"/campaigns/{campaign.id}")
    block = html(page).select_one(f"#campaign-{campaign.id}-progress")
    assert block is not None
    shown = str(block["hx-vals"]).split('"shown": "')[1].split('"')[0]
    headers = {"If-None-Match": etag} if etag else {}
    return await http.get(f"/campaigns/{campaign.id}/progress", params={"shown": shown}, headers=headers)


async def test_a_poll_with_the_blocks_current_etag_answers_304_without_a_body(client, login, make_user) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING] * 2)
    await login(user)
    first = await _poll(client, campaign)
    assert first.status_code == 200 and first.headers["etag"]
    assert html(first).select_one(f"#campaign-{campaign.id}-progress") is not None
    again = await _poll(client, campaign, etag=first.headers["etag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_after_a_send_the_etag_changes_and_the_block_comes_back(client, login, make_user, clock) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENDING, MessageStatus.PENDING])
    await login(user)
    first = await _poll(client, campaign)
    message = await CampaignMessage.objects().where(CampaignMessage.status == MessageStatus.SENDING.value).first()
    assert message is not None
    await sending.record_sent(message.id, key_id="KEY-1", remote_jid="5511966600000@s.whatsapp.net",
                              now=clock.now(), worker=None)
    after = await _poll(client, campaign, etag=first.headers["etag"])
    assert after.status_code == 200
    assert after.headers["etag"] != first.headers["etag"]
    sent = html(after).select_one(f'#campaign-{campaign.id}-progress [data-counter="sent"] dd')
    assert sent is not None and sent.get_text(strip=True) == "1"


@pytest.fixture
async def second_app(settings: Settings, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    """Another "process": an app of its own (its own cache) on the same database."""
    other: Litestar = create_app(settings, clock=clock)
    async with serving(other) as http:
        yield http


async def test_two_apps_on_one_database_see_each_others_changes_through_the_version_check(
    client, second_app, login, make_user
) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING] * 2)
    await login(user)
    await Login(second_app)(user)
    first = await _poll(client, campaign)
    assert html(first).select_one(f"#campaign-{campaign.id}-progress")["data-status"] == "RUNNING"
    paused = await post_form(
        second_app, f"/campaigns/{campaign.id}/actions", {"action": "pause"}, page=f"/campaigns/{campaign.id}"
    )
    assert paused.status_code == 303
    # The same instant (the fake clock did not move): only the version check can tell the first app.
    after = await client.get(f"/campaigns/{campaign.id}/progress", headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert html(after).select_one(f"#campaign-{campaign.id}-progress")["data-status"] == "PAUSED"


async def test_the_shared_block_never_shows_another_users_campaign(app, client, login, make_user) -> None:
    owner, stranger = await make_user(), await make_user()
    campaign = await _running(owner, [MessageStatus.PENDING])
    await login(owner)
    assert (await _poll(client, campaign)).status_code == 200  # now computed and kept for the owner
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
        await Login(other)(stranger)
        answer = await other.get(f"/campaigns/{campaign.id}/progress")
    assert answer.status_code == 404
    assert html(answer).select_one(f"#campaign-{campaign.id}-progress") is None


async def test_tabs_polling_one_campaign_share_one_computation_per_tick(
    client, login, make_user, clock, monkeypatch
) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.PENDING] * 3)
    await login(user)
    computed = _count_calls(monkeypatch, live_cache, "live_view")
    for _ in range(5):  # five tabs, the same tick
        assert (await client.get(f"/campaigns/{campaign.id}/progress")).status_code == 200
    assert computed == [campaign.id]
    clock.advance(live_cache.TICK.total_seconds())
    assert (await client.get(f"/campaigns/{campaign.id}/progress")).status_code == 200
    assert computed == [campaign.id, campaign.id]


async def test_tabs_polling_while_a_computation_runs_wait_for_it_and_never_queue_behind_a_second(
    make_user, clock, monkeypatch
) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENDING, MessageStatus.SENDING, MessageStatus.PENDING])
    views = live_cache.LiveViews()
    first = await views.get(campaign.id, owner_id=user.id, now=clock.now())
    sending_ids = [
        message.id
        for message in await CampaignMessage.objects().order_by(CampaignMessage.id)
        if message.status == MessageStatus.SENDING.value
    ]

    async def send(message_id: int) -> None:
        await sending.record_sent(message_id, key_id=f"KEY-{message_id}", remote_jid="5511966600000@s.whatsapp.net",
                                  now=clock.now(), worker=None)  # fmt: skip

    await send(sending_ids[0])
    computing, release = asyncio.Event(), asyncio.Event()
    computations: list[int] = []
    real = live_cache.live_view

    async def slow(campaign_id: int, **kwargs: Any) -> Any:
        computations.append(campaign_id)
        computing.set()
        await release.wait()
        return await real(campaign_id, **kwargs)

    monkeypatch.setattr(live_cache, "live_view", slow)
    finder = asyncio.create_task(views.get(campaign.id, owner_id=user.id, now=clock.now()))  # sees the version move
    await computing.wait()
    meanwhile = asyncio.create_task(views.get(campaign.id, owner_id=user.id, now=clock.now()))  # the same version
    await send(sending_ids[1])  # lands during the computation: a poll that saw it waits for the one under way too
    later = asyncio.create_task(views.get(campaign.id, owner_id=user.id, now=clock.now()))
    await asyncio.sleep(0.05)
    assert not (meanwhile.done() or later.done())  # waiting, not answered with the block before the send
    release.set()
    newer, alongside, late = await asyncio.wait_for(asyncio.gather(finder, meanwhile, later), 5)
    assert computations == [campaign.id]  # one computation for the three of them: no queue behind a second
    assert newer.stamp != first.stamp and newer.view.progress.sent >= 1
    assert alongside.stamp == newer.stamp and late.stamp == newer.stamp
    latest = await views.get(campaign.id, owner_id=user.id, now=clock.now())  # the next poll: the second send
    assert computations == [campaign.id, campaign.id] and latest.view.progress.sent == 2


async def test_a_key_asked_for_by_many_tabs_at_once_is_read_once() -> None:
    kept: Recent[str, int] = Recent()
    reads: list[str] = []

    async def read() -> int:
        reads.append("read")
        await asyncio.sleep(0.01)
        return 7

    assert await asyncio.gather(*(kept.shared("block", read) for _ in range(20))) == [7] * 20
    assert reads == ["read"] and await kept.shared("block", read) == 7 and reads == ["read"]


async def test_a_send_by_this_processs_sender_computes_the_watched_block_before_the_next_poll_asks(
    client, login, make_user, clock, monkeypatch
) -> None:
    user = await make_user()
    campaign = await _running(user, [MessageStatus.SENDING, MessageStatus.SENDING, MessageStatus.PENDING])
    await login(user)
    computed = _count_calls(monkeypatch, live_cache, "live_view")
    table_reads = _count_calls(monkeypatch, campaign_table, "recipient_page")
    renders = _count_calls(monkeypatch, detail, "rendered")

    async def computations_after_send(message_id: int) -> int:
        sent = Sent(key_id=f"KEY-{message_id}", remote_jid="5511966600000@s.whatsapp.net", timestamp=0)
        await record_sent(message_id, sent, now=clock.now(), worker=None)  # publishes message.sent, as the sender
        for _ in range(100):  # the refresh runs in a task of its own
            await asyncio.sleep(0.01)
        return len(computed)

    first_id, second_id = [
        message.id
        for message in await CampaignMessage.objects().order_by(CampaignMessage.id)
        if message.status == MessageStatus.SENDING.value
    ]
    assert await computations_after_send(first_id) == 0  # nobody watches the campaign yet: nothing to refresh
    first = await _poll(client, campaign)
    assert len(computed) == 1  # the first poll computed it
    block = html(first).select_one(f"#campaign-{campaign.id}-progress")
    assert block is not None
    shown = str(block["hx-vals"]).split('"shown": "')[1].split('"')[0]  # what the tab shows now
    reads_before, renders_before = len(table_reads), len(renders)
    assert await computations_after_send(second_id) == 2  # the send computed it for the tab watching
    assert len(table_reads) == reads_before + 1  # read ahead the recipients table the tab's page is behind on
    assert len(renders) == renders_before + 1  # and drew the block the tab's next poll asks for
    after = await client.get(
        f"/campaigns/{campaign.id}/progress", params={"shown": shown}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert after.status_code == 200
    assert (len(computed), len(table_reads), len(renders)) == (2, reads_before + 1, renders_before + 1)  # all done
    sent = html(after).select_one(f'#campaign-{campaign.id}-progress [data-counter="sent"] dd')
    assert sent is not None and sent.get_text(strip=True) == "2"
