"""Usage alerts (issue 15, item 6): recorded once at 80 % and 100 % of a limit and for an instance down more than 5
minutes during a running campaign; shown until dismissed; POSTed, signed, to a real HTTP receiver on 127.0.0.1,
with retries when it fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from models.accounts import alerts
from models.accounts.admin import update_user
from models.accounts.profile import update_own
from models.instances.connection import connection_changed
from models.statuses import CampaignStatus, ConnectionState, MessageStatus
from models.tables import Alert, CampaignMessage, UserProfile
from scheduler.alert_delivery import SIGNATURE_HEADER, deliver_due
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form


class Receiver:
    """A real HTTP server on 127.0.0.1 that keeps what it receives; it answers 500 to the first `failures` POSTs."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/arauto"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    thread = threading.Thread(target=target.server.serve_forever, daemon=True)
    thread.start()
    yield target
    target.server.shutdown()
    target.server.server_close()


async def limited_user(make_user, clock, **limits: Any) -> Any:
    user = await make_user()
    admin = await make_user(admin=True)
    await update_user(user.id, limits, acting_admin_id=admin.id, acting_admin_email=admin.email, now=clock.now())
    return user


async def send(owner_id: int, count: int, clock, start: int = 0) -> None:
    """`count` messages of a new campaign recorded as sent now."""
    rows = recipient_rows([f"55119{start + n:08d}" for n in range(count)])
    campaign = await make_campaign(
        owner_id, (await make_instance(owner_id)).id, recipients=rows, status=CampaignStatus.RUNNING
    )
    await CampaignMessage.update(
        {CampaignMessage.sent_at: clock.now(), CampaignMessage.status: MessageStatus.SENT.value}
    ).where(CampaignMessage.campaign == campaign.id)


async def kinds(owner_id: int) -> list[str]:
    return sorted(r["kind"] for r in await Alert.select(Alert.kind).where(Alert.owner == owner_id))


async def test_each_limit_alert_is_recorded_once_at_its_threshold(db, clock, make_user) -> None:
    user = await limited_user(make_user, clock, daily_limit=10, monthly_limit=100)
    await send(user.id, 7, clock)
    assert await alerts.check_limits(now=clock.now()) == 0
    await send(user.id, 1, clock, start=100)
    assert await alerts.check_limits(now=clock.now()) == 1
    assert await alerts.check_limits(now=clock.now()) == 0  # a second pass records nothing more
    await send(user.id, 2, clock, start=200)
    await alerts.check_limits(now=clock.now())
    assert await kinds(user.id) == ["daily_100", "daily_80"]
    clock.advance(days=1)  # a new day: the daily thresholds may fire again, the month's count goes on
    await send(user.id, 70, clock, start=300)
    await alerts.check_limits(now=clock.now())
    assert await kinds(user.id) == ["daily_100", "daily_100", "daily_80", "daily_80", "monthly_80"]


async def test_an_instance_down_more_than_five_minutes_during_a_running_campaign_alerts_once(
    db, clock, make_user
) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    await make_campaign(
        user.id, instance.id, recipients=recipient_rows(["5511900000001"]), status=CampaignStatus.RUNNING
    )
    await connection_changed(instance.id, ConnectionState.CLOSE, "phone off", now=clock.now())
    clock.advance(minutes=4)
    assert await alerts.check_instances_down(now=clock.now()) == 0
    clock.advance(minutes=2)
    assert await alerts.check_instances_down(now=clock.now()) == 1
    assert await alerts.check_instances_down(now=clock.now()) == 0
    assert await kinds(user.id) == ["instance_down"]


async def test_an_alert_reaches_the_webhook_with_a_valid_signature_after_retries(
    db, clock, make_user, receiver
) -> None:
    user = await limited_user(make_user, clock, daily_limit=10)
    await update_own(user.id, timezone="UTC", alert_webhook_url=receiver.url)
    profile = await UserProfile.select(UserProfile.alert_webhook_secret).where(UserProfile.user == user.id).first()
    secret = profile["alert_webhook_secret"]
    assert len(secret) == 64
    await send(user.id, 10, clock)
    await alerts.check_limits(now=clock.now())
    receiver.failures = 4  # two passes of two alerts fail
    assert await deliver_due(now=clock.now()) == (0, 2)
    assert await deliver_due(now=clock.now()) == (0, 0)  # not due again before its backoff
    clock.advance(minutes=1)
    assert await deliver_due(now=clock.now()) == (0, 2)
    clock.advance(minutes=5)
    assert await deliver_due(now=clock.now()) == (2, 0)
    clock.advance(hours=3)
    assert await deliver_due(now=clock.now()) == (0, 0)  # delivered ones are never sent again
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    payloads = sorted(json.loads(body)["kind"] for _, body in receiver.received)
    assert payloads == ["daily_100", "daily_80"]


async def test_a_failing_receiver_is_given_up_after_the_last_retry(db, clock, make_user, receiver) -> None:
    user = await limited_user(make_user, clock, daily_limit=1)
    await update_own(user.id, timezone="UTC", alert_webhook_url=receiver.url)
    await send(user.id, 1, clock)
    await alerts.check_limits(now=clock.now())
    receiver.failures = 1000
    for _ in range(alerts.MAX_ATTEMPTS + 2):
        await deliver_due(now=clock.now())
        clock.advance(hours=3)
    rows = await Alert.select(Alert.delivery_attempts, Alert.next_delivery_at, Alert.delivery_error)
    assert {(r["delivery_attempts"], r["next_delivery_at"], r["delivery_error"]) for r in rows} == {
        (alerts.MAX_ATTEMPTS, None, "HTTP 500")
    }


async def test_the_banner_shows_an_alert_on_every_page_until_it_is_dismissed(client, clock, login, make_user) -> None:
    user = await limited_user(make_user, clock, daily_limit=1)
    await send(user.id, 1, clock)
    await alerts.check_limits(now=clock.now())
    await login(user)
    for page in ("/campaigns", "/account"):
        loader = html(await client.get(page)).select_one("#alert-banner")
        assert loader is not None and loader["hx-get"] == "/alerts/banner"
    banner = html(await client.get("/alerts/banner"))
    shown = banner.select("#alert-banner .alert")
    assert [a["data-kind"] for a in shown] == ["daily_100", "daily_80"]
    listed = html(await client.get("/account")).select("#account-alerts tr.alert-row")
    assert [row["data-kind"] for row in listed] == ["daily_100", "daily_80"]
    alert_id = shown[0]["id"].removeprefix("alert-")
    dismissed = await post_form(client, f"/alerts/{alert_id}/dismiss", {}, page="/account")
    assert dismissed.status_code == 303
    remaining = html(await client.get("/alerts/banner")).select("#alert-banner .alert")
    assert [a["data-kind"] for a in remaining] == ["daily_80"]
    assert len(html(await client.get("/account")).select("#account-alerts tr.alert-row")) == 2


async def test_a_user_cannot_dismiss_another_users_alert(client, clock, login, make_user) -> None:
    owner = await limited_user(make_user, clock, daily_limit=1)
    await send(owner.id, 1, clock)
    await alerts.check_limits(now=clock.now())
    ids = sorted(r["id"] for r in await Alert.select(Alert.id))
    await login(await make_user())
    for alert_id in ids:
        await post_form(client, f"/alerts/{alert_id}/dismiss", {}, page="/account")
    assert sorted(a["id"] for a in await alerts.active(owner.id)) == ids
