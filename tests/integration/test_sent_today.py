"""One "sent today": the dashboard, the instance list and /api/instances show the figure the daily cap counts
(sends since the start of the cap's day, UTC), not yesterday's sends."""

from __future__ import annotations

from datetime import UTC, datetime

from models.accounts import users
from models.statuses import CampaignStatus
from scheduler.evolution import EvolutionClient
from tests.factories import make_campaign, recipient_rows
from tests.fixtures.web import html
from tests.sending_helpers import dispatcher, phones, run_until_done, sandbox_instance, sent_times

YESTERDAY_LATE = datetime(2026, 1, 4, 23, 59, 58, tzinfo=UTC)  # 2 sends before midnight, 3 after


async def test_sent_today_is_the_same_figure_on_every_page_and_counts_only_today(
    client, login, make_user, clock, sandbox
) -> None:
    clock.current = YESTERDAY_LATE
    user = await make_user()
    instance = await sandbox_instance(user.id, sandbox, rate_per_minute=60, daily_cap=1000)
    await make_campaign(
        user.id, instance.id, recipients=recipient_rows(phones(5)), status=CampaignStatus.RUNNING, rate_limit=60
    )
    async with EvolutionClient(read_timeout=2.0) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    days = [sent.date().isoformat() for sent in await sent_times()]
    assert (days.count("2026-01-04"), days.count("2026-01-05")) == (2, 3)
    await login(user)
    headers = {"Authorization": f"Bearer {await users.create_api_token(user.id, 'crm', now=clock.now())}"}

    dashboard = html(await client.get("/dashboard"))
    board = dashboard.select_one(f'tr[data-instance="{instance.id}"] [data-field="sent_today"]')
    listed = html(await client.get("/instances")).select_one(f"#instance-{instance.id} td.today")
    api_list = (await client.get("/api/instances", headers=headers)).json()
    api_one = (await client.get(f"/api/instances/{instance.id}", headers=headers)).json()

    assert board.get_text(" ", strip=True).split()[0] == "3"
    assert listed.get_text(strip=True) == "3 / 1000"
    assert [item["sentToday"] for item in api_list if item["id"] == instance.id] == [3]
    assert api_one["sentToday"] == 3
