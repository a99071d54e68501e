"""The one-query live block agrees with the general progress computation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.campaigns.live_progress import live_view
from models.campaigns.view import campaign_view
from models.errors import NotFoundOrNotYours
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, Instance
from tests.factories import make_campaign, make_instance


@pytest.mark.parametrize("status", [CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.COMPLETED])
async def test_live_view_equals_campaign_view(make_user, clock, status) -> None:
    user = await make_user()
    instance = await make_instance(user.id, rate_per_minute=30, sent_today=10, sent_day=clock.now().date())
    rows = [{"phone": f"55119999{n:05d}", "status": MessageStatus.SENT} for n in range(6)]
    rows += [{"phone": f"55118888{n:05d}", "status": MessageStatus.PENDING} for n in range(4)]
    campaign = await make_campaign(user.id, instance.id, recipients=rows, status=status, started_at=clock.now())
    await make_campaign(user.id, instance.id, status=CampaignStatus.RUNNING)  # shares the instance
    await CampaignMessage.update({CampaignMessage.sent_at: clock.now() - timedelta(minutes=2)}).where(
        CampaignMessage.status == MessageStatus.SENT.value
    )
    expected = await campaign_view(campaign.id, owner_id=user.id, now=clock.now())
    actual = await live_view(campaign.id, owner_id=user.id, now=clock.now())
    assert actual.progress == expected.progress
    assert (actual.actions, actual.can_edit, actual.instance_name) == (
        expected.actions, expected.can_edit, expected.instance_name
    )
    assert actual.campaign.started_at == expected.campaign.started_at


async def test_live_view_of_a_running_campaign_has_a_rate_and_an_eta(make_user, clock) -> None:
    user = await make_user()
    instance = await make_instance(user.id, rate_per_minute=30, jitter_percent=0)
    rows = [{"phone": f"55118888{n:05d}", "status": MessageStatus.PENDING} for n in range(60)]
    campaign = await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    view = await live_view(campaign.id, owner_id=user.id, now=clock.now())
    # 60 messages 3 s apart: the last goes 59 intervals after now
    assert (view.progress.effective_rate, view.progress.eta_seconds) == (20.0, 177)
    assert view.progress.estimated_completion_at == clock.now() + timedelta(seconds=177)


async def test_live_view_without_a_connected_instance_has_no_eta(make_user, clock) -> None:
    user = await make_user()
    instance = await make_instance(user.id)
    await Instance.update({Instance.state: "close"}).where(Instance.id == instance.id)
    campaign = await make_campaign(user.id, instance.id, recipients=[{"phone": "5511888800001"}],
                                   status=CampaignStatus.RUNNING)
    view = await live_view(campaign.id, owner_id=user.id, now=clock.now())
    assert view.progress.eta_seconds is None and view.progress.estimated_completion_at is None


async def test_live_view_of_another_users_campaign_is_not_found(make_user, clock) -> None:
    owner, stranger = await make_user(), await make_user()
    campaign = await make_campaign(owner.id, None, status=CampaignStatus.RUNNING)
    with pytest.raises(NotFoundOrNotYours):
        await live_view(campaign.id, owner_id=stranger.id, now=clock.now())
