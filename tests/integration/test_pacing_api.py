"""The pacing fields through the API: sendWindow, timezone, expiresAt, frequencyCapHours on campaigns (validated
with plain messages, editable while DRAFT, SCHEDULED and PAUSED) and warm-up on instances."""

from __future__ import annotations

from datetime import timedelta

from models.accounts.profile import update_own
from models.campaigns import lifecycle
from models.tables import Campaign, Instance
from tests.factories import NOW
from tests.integration.api_helpers import api_caller, error_fields

WINDOW = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "09:00", "end": "20:00"}


async def test_pacing_fields_default_to_off_and_round_trip(client, make_user):
    caller = await api_caller(make_user)
    await update_own(caller.user.id, timezone="America/Sao_Paulo", alert_webhook_url="")
    plain = (await client.post("/api/campaigns", json=caller.body(), headers=caller.headers)).json()
    assert plain["sendWindow"] is None and plain["expiresAt"] is None and plain["frequencyCapHours"] is None
    assert plain["timezone"] == "America/Sao_Paulo"  # the user's, stored with the campaign
    assert plain["waitingReason"] is None and plain["waitingUntil"] is None
    expiry = (NOW + timedelta(days=2)).isoformat()
    body = caller.body(sendWindow=WINDOW, timezone="Europe/Lisbon", expiresAt=expiry, frequencyCapHours=48)
    made = await client.post("/api/campaigns", json=body, headers=caller.headers)
    assert made.status_code == 201, made.text
    shown = (await client.get(f"/api/campaigns/{made.json()['id']}", headers=caller.headers)).json()
    assert shown["sendWindow"] == WINDOW and shown["timezone"] == "Europe/Lisbon"
    assert shown["expiresAt"] == expiry and shown["frequencyCapHours"] == 48


async def test_each_bad_pacing_field_is_named_plainly(client, make_user):
    caller = await api_caller(make_user)

    async def refused(**fields: object) -> dict[str, str]:
        return error_fields(await client.post("/api/campaigns", json=caller.body(**fields), headers=caller.headers))

    bad_day = await refused(sendWindow={**WINDOW, "days": ["mon", "funday"]})
    assert bad_day == {"sendWindow": "Unknown day “funday” in the send window: use mon, tue, wed, thu, fri, sat, sun."}
    assert "Unknown time “25:00”" in (await refused(sendWindow={**WINDOW, "end": "25:00"}))["sendWindow"]
    assert "same time" in (await refused(sendWindow={**WINDOW, "end": "09:00"}))["sendWindow"]
    assert "Unknown time zone" in (await refused(timezone="Mars/Olympus"))["timezone"]
    assert (await refused(frequencyCapHours=0)) == {
        "frequencyCapHours": "The frequency cap must be between 1 and 720 hours, or empty for none."
    }
    assert "between 1 and 720" in (await refused(frequencyCapHours=721))["frequencyCapHours"]
    assert (await refused(expiresAt=(NOW - timedelta(hours=1)).isoformat())) == {
        "expiresAt": "The expiry must be in the future."
    }
    late_schedule = await refused(
        scheduledFor=(NOW + timedelta(days=3)).isoformat(), expiresAt=(NOW + timedelta(days=2)).isoformat()
    )
    assert late_schedule == {
        "scheduledFor": "The schedule is at or after the expiry: the campaign would expire before it starts."
    }


async def test_pacing_is_editable_while_paused_and_kept_by_other_edits(client, make_user):
    caller = await api_caller(make_user)
    made = (await client.post("/api/campaigns", json=caller.body(sendWindow=WINDOW), headers=caller.headers)).json()
    url = f"/api/campaigns/{made['id']}"
    renamed = await client.put(url, json={"name": "Renamed"}, headers=caller.headers)
    assert renamed.json()["sendWindow"] == WINDOW
    await lifecycle.apply(made["id"], lifecycle.Action.START, owner_id=None, now=NOW)
    await lifecycle.apply(made["id"], lifecycle.Action.PAUSE, owner_id=None, now=NOW)
    changed = await client.put(url, json={"sendWindow": None, "frequencyCapHours": 12}, headers=caller.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["sendWindow"] is None and changed.json()["frequencyCapHours"] == 12
    stored = await Campaign.objects().get(Campaign.id == made["id"])
    assert stored.send_window is None and stored.frequency_cap_hours == 12


async def test_warmup_on_an_instance_starts_today_and_shows_the_cap(client, make_user):
    caller = await api_caller(make_user)
    url = f"/api/instances/{caller.instance_id}"
    off = (await client.get(url, headers=caller.headers)).json()
    assert off["warmup"] is False and off["warmupStartedAt"] is None and off["capToday"] == off["dailyCap"]
    await Instance.update({Instance.daily_cap: 500}).where(Instance.id == caller.instance_id)
    on = await client.put(url, json={"warmup": True}, headers=caller.headers)
    assert on.status_code == 200, on.text
    assert on.json()["warmup"] is True and on.json()["warmupStartedAt"] is not None
    assert on.json()["capToday"] == 20 and on.json()["capTodayReason"] == "warm-up day 1: 20 of 500"
    earlier = (NOW - timedelta(days=2)).date().isoformat()
    third = (await client.put(url, json={"warmupStartedAt": earlier}, headers=caller.headers)).json()
    assert third["warmupStartedAt"] == earlier and third["capTodayReason"] == "warm-up day 3: 80 of 500"
