"""Campaign history (issue 15, item 4): every start, pause, resume, cancel, edit, retry and automatic pause or
resume is kept with who or what did it, from where and when; shown on the page and by the API."""

from __future__ import annotations

from models.accounts.users import create_api_token
from models.campaigns import lifecycle
from models.instances.connection import connection_changed
from models.statuses import CampaignStatus, ConnectionState
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html, post_form

PHONES = ["+5511988880001", "+5511988880002"]


async def test_api_actions_are_recorded_with_the_token_name_and_the_api_as_source(client, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 'crm sync', now=NOW)}"}
    instance = await make_instance(user.id)
    campaign = await make_campaign(user.id, instance.id, recipients=recipient_rows(PHONES))
    for action in ("start", "pause", "resume", "cancel"):
        done = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": action}, headers=headers)
        assert done.status_code == 200, done.text
    rows = (await client.get(f"/api/campaigns/{campaign.id}/history", headers=headers)).json()
    assert [(r["action"], r["fromStatus"], r["toStatus"]) for r in rows] == [
        ("start", "DRAFT", "RUNNING"),
        ("pause", "RUNNING", "PAUSED"),
        ("resume", "PAUSED", "RUNNING"),
        ("cancel", "RUNNING", "CANCELLED"),
    ]
    assert {(r["actor"], r["source"]) for r in rows} == {(f"{user.email} (API token crm sync)", "api")}


async def test_a_refused_action_leaves_no_history(client, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, recipients=recipient_rows(PHONES))
    refused = await client.post(f"/api/campaigns/{campaign.id}/actions", json={"action": "pause"}, headers=headers)
    assert refused.status_code == 409
    assert (await client.get(f"/api/campaigns/{campaign.id}/history", headers=headers)).json() == []


async def test_an_instance_going_down_and_up_is_recorded_as_the_instance_state(client, clock, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 't', now=NOW)}"}
    instance = await make_instance(user.id)
    campaign = await make_campaign(
        user.id, instance.id, recipients=recipient_rows(PHONES), status=CampaignStatus.RUNNING
    )
    await connection_changed(instance.id, ConnectionState.CLOSE, "phone off", now=clock.now())
    await connection_changed(instance.id, ConnectionState.OPEN, "", now=clock.now())
    rows = (await client.get(f"/api/campaigns/{campaign.id}/history", headers=headers)).json()
    assert [(r["action"], r["source"]) for r in rows] == [("auto_pause", "instance"), ("auto_resume", "instance")]


async def test_the_campaign_page_shows_a_page_action_and_the_schedulers_completion(client, login, make_user) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, recipients=recipient_rows(PHONES))
    await login(user)
    started = await post_form(
        client, f"/campaigns/{campaign.id}/actions", {"action": "start"}, f"/campaigns/{campaign.id}"
    )
    assert started.status_code == 303
    await lifecycle.apply(campaign.id, lifecycle.Action.COMPLETE, owner_id=None, now=NOW)
    page = html(await client.get(f"/campaigns/{campaign.id}"))
    rows = page.select(f"#campaign-{campaign.id}-history tr.history-row")
    assert [(r["data-action"], r["data-source"]) for r in rows] == [("start", "page"), ("complete", "scheduler")]
    assert rows[0].select_one(".actor").get_text(strip=True) == user.email
    in_portuguese = html(await client.get(f"/campaigns/{campaign.id}", headers={"Accept-Language": "pt-BR"}))
    english = [
        ("Sending started", "Draft → Running", "Page"),
        ("Campaign completed", "Running → Completed", "Scheduler"),
    ]
    portuguese = [
        ("Envio iniciado", "Rascunho → Enviando", "Página"),
        ("Campanha concluída", "Enviando → Concluída", "Agendador"),
    ]
    for document, expected in ((page, english), (in_portuguese, portuguese)):
        cells = [[td.get_text(strip=True) for td in row.select("td")] for row in document.select("tr.history-row")]
        assert [(what, status, source) for _, what, status, _, source, _ in cells] == expected


async def test_an_edit_is_recorded(client, make_user) -> None:
    user = await make_user()
    headers = {"Authorization": f"Bearer {await create_api_token(user.id, 'editor', now=NOW)}"}
    campaign = await make_campaign(user.id, (await make_instance(user.id)).id, recipients=recipient_rows(PHONES))
    assert (
        await client.put(f"/api/campaigns/{campaign.id}", json={"name": "Renamed"}, headers=headers)
    ).status_code == 200
    rows = (await client.get(f"/api/campaigns/{campaign.id}/history", headers=headers)).json()
    assert [(r["action"], r["source"]) for r in rows] == [("edit", "api")]
