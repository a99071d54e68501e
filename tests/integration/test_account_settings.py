"""The account page (issue 15, item 2): time zone, alert webhook, and today's and this month's usage against the
limits, counted in the user's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from models.accounts.admin import update_user
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, UserProfile
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form


async def test_a_user_sets_their_time_zone_and_alert_webhook(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    data = {"timezone": "America/Sao_Paulo", "alert_webhook_url": "https://hooks.example.com/arauto"}
    saved = await post_form(client, "/account/settings", data, page="/account")
    assert (saved.status_code, saved.headers["location"]) == (303, "/account")
    page = html(await client.get("/account"))
    assert page.select_one("#timezone")["value"] == "America/Sao_Paulo"
    assert page.select_one("#alert_webhook_url")["value"] == "https://hooks.example.com/arauto"


async def test_a_bad_time_zone_and_webhook_are_refused_and_nothing_changes(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    data = {"timezone": "../../etc/passwd", "alert_webhook_url": "ftp://user:pw@example.com"}
    refused = await post_form(client, "/account/settings", data, page="/account")
    assert refused.status_code == 422
    page = html(refused)
    assert page.select_one("#timezone-error") is not None and page.select_one("#alert_webhook_url-error") is not None
    row = (
        await UserProfile.select(UserProfile.timezone, UserProfile.alert_webhook_url)
        .where(UserProfile.user == user.id)
        .first()
    )
    assert (row["timezone"], row["alert_webhook_url"]) == ("UTC", "")


async def test_usage_against_the_limits_counts_today_and_this_month_in_the_users_time_zone(
    client, clock, login, make_user
) -> None:
    user = await make_user()
    admin = await make_user(admin=True)
    changes = {"daily_limit": 10, "monthly_limit": 100, "timezone": "America/Sao_Paulo"}
    await update_user(user.id, changes, acting_admin_id=admin.id, acting_admin_email=admin.email, now=clock.now())
    clock.current = datetime(2026, 1, 6, 2, 0, tzinfo=UTC)  # 23:00 on 5 January in São Paulo
    sent = [
        datetime(2026, 1, 5, 3, 30, tzinfo=UTC),  # 00:30 on the 5th, local: today
        datetime(2026, 1, 5, 2, 30, tzinfo=UTC),  # 23:30 on the 4th, local: this month, not today
        datetime(2026, 1, 1, 2, 0, tzinfo=UTC),  # 23:00 on 31 December, local: last month
    ]
    rows = recipient_rows([f"+55119888800{n:02d}" for n in range(len(sent))])
    campaign = await make_campaign(
        user.id, (await make_instance(user.id)).id, recipients=rows, status=CampaignStatus.COMPLETED
    )
    messages = await CampaignMessage.select(CampaignMessage.id).where(CampaignMessage.campaign == campaign.id)
    for message, at in zip(messages, sent, strict=True):
        await CampaignMessage.update(
            {CampaignMessage.sent_at: at, CampaignMessage.status: MessageStatus.SENT.value}
        ).where(CampaignMessage.id == message["id"])
    await login(user)
    page = html(await client.get("/account"))
    today, month = page.select_one("#usage-today"), page.select_one("#usage-month")
    assert (today["data-sent"], today["data-limit"]) == ("1", "10")
    assert (month["data-sent"], month["data-limit"]) == ("2", "100")
