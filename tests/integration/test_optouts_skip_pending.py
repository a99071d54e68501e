"""Every way a number opts out (page, API, STOP reply, the claimer's safety net) skips its pending messages the
same way: in every campaign of that user at once, with one error text, counters equal to a count by status."""

from __future__ import annotations

from typing import Any

import pytest

from models.accounts import users
from models.inbound import OPTED_OUT
from models.sending import claim_batch
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, OptOut
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import post_form
from tests.sending_helpers import counters_match_statuses
from tests.webhooks import PHONE, example, post_event

OTHER = "5511900000001"


@pytest.fixture
async def owner(make_user):
    return await make_user()


@pytest.fixture
async def campaigns(owner, make_user) -> dict[str, Any]:
    """Two campaigns of the owner holding PHONE (a draft and a paused one) and a stranger's campaign with it."""
    instance = await make_instance(owner.id)
    stranger = await make_user()
    paused = CampaignStatus.PAUSED
    return {
        "instance": instance,
        "mine": [
            await make_campaign(owner.id, instance.id, recipients=recipient_rows([PHONE, OTHER])),
            await make_campaign(owner.id, None, recipients=recipient_rows([OTHER, PHONE]), status=paused),
        ],
        "theirs": await make_campaign(stranger.id, None, recipients=recipient_rows([PHONE])),
    }


async def statuses_of(phone: str) -> dict[int, tuple[str, str]]:
    rows = await CampaignMessage.select(CampaignMessage.campaign, CampaignMessage.status, CampaignMessage.error).where(
        CampaignMessage.phone == phone
    )
    return {row["campaign"]: (row["status"], row["error"]) for row in rows}


async def assert_skipped_in_mine_only(campaigns: dict[str, Any]) -> None:
    statuses = await statuses_of(PHONE)
    for campaign in campaigns["mine"]:
        assert statuses[campaign.id] == (MessageStatus.SKIPPED, OPTED_OUT)
        row, by_status = await counters_match_statuses(campaign.id)
        assert row == by_status and (row["skipped"], row["pending"]) == (1, 1)
    theirs = campaigns["theirs"]
    assert statuses[theirs.id] == (MessageStatus.PENDING, "")
    row, by_status = await counters_match_statuses(theirs.id)
    assert row == by_status and (row["skipped"], row["pending"]) == (0, 1)
    assert {status for status, _ in (await statuses_of(OTHER)).values()} == {MessageStatus.PENDING}


async def test_a_manual_add_on_the_page_skips_the_number_in_every_campaign_of_the_user_and_no_other(
    client, login, owner, campaigns
) -> None:
    await login(owner)
    response = await post_form(client, "/opt-outs/", {"phone": f"+{PHONE}"}, "/opt-outs")
    assert response.status_code == 303
    await assert_skipped_in_mine_only(campaigns)


async def test_a_manual_add_through_the_api_skips_the_number_in_every_campaign_of_the_user_and_no_other(
    client, clock, owner, campaigns
) -> None:
    token = await users.create_api_token(owner.id, "crm", now=clock.now())
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/api/opt-outs", json={"phone": f"+{PHONE}"}, headers=headers)
    assert response.status_code == 201 and response.json()["source"] == "manual"
    await assert_skipped_in_mine_only(campaigns)
    for campaign in campaigns["mine"]:
        shown = (await client.get(f"/api/campaigns/{campaign.id}", headers=headers)).json()
        assert (shown["pendingCount"], shown["skippedCount"]) == (1, 1)


async def test_a_stop_reply_skips_the_number_in_every_campaign_of_the_user_and_no_other(
    client, owner, campaigns
) -> None:
    response = await post_event(client, campaigns["instance"], example("messages-upsert.stop-reply"))
    assert response.status_code == 200
    await assert_skipped_in_mine_only(campaigns)
    assert await OptOut.select(OptOut.phone, OptOut.source) == [{"phone": PHONE, "source": "reply"}]


async def test_a_second_manual_add_of_the_same_number_is_refused_and_moves_no_counter(
    client, clock, owner, campaigns
) -> None:
    headers = {"Authorization": f"Bearer {await users.create_api_token(owner.id, 'crm', now=clock.now())}"}
    assert (await client.post("/api/opt-outs", json={"phone": f"+{PHONE}"}, headers=headers)).status_code == 201
    again = await client.post("/api/opt-outs", json={"phone": PHONE}, headers=headers)
    assert again.status_code == 400
    assert [error["field"] for error in again.json()["errors"]] == ["phone"]
    await assert_skipped_in_mine_only(campaigns)


async def test_the_claimer_skips_a_number_opted_out_behind_its_back_with_the_same_text(db, clock, owner) -> None:
    instance = await make_instance(owner.id, rate_per_minute=60, daily_cap=1000)
    campaign = await make_campaign(
        owner.id, instance.id, recipients=recipient_rows([PHONE, OTHER]), status=CampaignStatus.RUNNING, rate_limit=60
    )
    await OptOut(owner=owner.id, phone=PHONE, created_at=clock.now()).save()  # written around record_opt_out
    claimed = await claim_batch(limit=10, worker="w", now=clock.now(), lease=60)
    assert PHONE not in [claim.phone for claim in claimed]
    assert (await statuses_of(PHONE))[campaign.id] == (MessageStatus.SKIPPED, OPTED_OUT)
    row, by_status = await counters_match_statuses(campaign.id)
    assert row == by_status and row["skipped"] == 1
