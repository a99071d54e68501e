"""The one transition function: allowed moves happen once, the others name the current status."""

from __future__ import annotations

import pytest

from models.campaigns import lifecycle
from models.errors import IllegalTransition, NotFoundOrNotYours
from models.statuses import CampaignStatus
from tests.factories import make_campaign, make_instance, recipient_rows


async def test_start_then_pause_then_resume(make_user, clock) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    campaign = await make_campaign(user.id, instance.id, recipients=recipient_rows(["5511900000001"]))
    started = await lifecycle.apply(campaign.id, "start", owner_id=user.id, now=clock.now())
    assert started.status == CampaignStatus.RUNNING and started.started_at == clock.now()
    paused = await lifecycle.apply(campaign.id, "pause", owner_id=user.id, now=clock.advance(60))
    assert paused.status == CampaignStatus.PAUSED and paused.pause_reason
    resumed = await lifecycle.apply(campaign.id, "resume", owner_id=user.id, now=clock.advance(60))
    assert resumed.status == CampaignStatus.RUNNING and resumed.pause_reason == ""
    assert resumed.started_at < resumed.updated_at  # started_at keeps the first start


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (CampaignStatus.DRAFT, "pause", "Cannot pause a campaign that is DRAFT."),
        (CampaignStatus.COMPLETED, "start", "Cannot start a campaign that is COMPLETED."),
        (CampaignStatus.DRAFT, "cancel", "Cannot cancel a campaign that is DRAFT."),
        (CampaignStatus.RUNNING, "resume", "Cannot resume a campaign that is RUNNING."),
    ],
)
async def test_refused_transitions_name_the_status(make_user, clock, status, action, message) -> None:
    user = await make_user()
    campaign = await make_campaign(user.id, None, status=status)
    with pytest.raises(IllegalTransition) as refused:
        await lifecycle.apply(campaign.id, action, owner_id=user.id, now=clock.now())
    assert refused.value.message == message


async def test_another_users_campaign_is_not_found(make_user, clock) -> None:
    owner, other = await make_user(), await make_user()
    campaign = await make_campaign(owner.id, None)
    with pytest.raises(NotFoundOrNotYours):
        await lifecycle.apply(campaign.id, "start", owner_id=other.id, now=clock.now())


async def test_auto_resume_only_resumes_what_arauto_paused(make_user, clock) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    rows = recipient_rows(["5511900000001"])
    by_user = await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    by_arauto = await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    await lifecycle.apply(by_user.id, "pause", owner_id=user.id, now=clock.now())
    await lifecycle.apply(by_arauto.id, "auto_pause", owner_id=None, now=clock.now(), reason="Instance disconnected")
    with pytest.raises(IllegalTransition):
        await lifecycle.apply(by_user.id, "auto_resume", owner_id=None, now=clock.now())
    resumed = await lifecycle.apply(by_arauto.id, "auto_resume", owner_id=None, now=clock.now())
    assert resumed.status == CampaignStatus.RUNNING


def test_allowed_actions_follow_the_diagram() -> None:
    assert lifecycle.allowed_actions("DRAFT") == ["start"]
    assert lifecycle.allowed_actions("RUNNING") == ["pause", "cancel"]
    assert lifecycle.allowed_actions("PAUSED") == ["resume", "cancel"]
    assert lifecycle.allowed_actions("COMPLETED") == []
