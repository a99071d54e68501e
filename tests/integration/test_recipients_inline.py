"""import_inline: the API's inline recipients go through the same screening and insert as a CSV."""

from __future__ import annotations

from typing import Any

import pytest

from models.errors import IllegalTransition, ImportRejected, NotFoundOrNotYours, ValidationFailed
from models.recipients import ImportReport, import_inline
from models.recipients.campaign_table import variable_names
from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage
from models.variables import decode
from tests.factories import NOW, make_campaign, recipient_rows


async def inline(
    campaign: Campaign, recipients: list[Any], *, owner_id: int | None = None, max_recipients: int = 100
) -> ImportReport:
    return await import_inline(
        campaign.id,
        recipients,
        owner_id=owner_id or campaign.owner,
        default_region="BR",
        max_recipients=max_recipients,
        now=NOW,
    )


async def test_inline_recipients_are_stored_normalised_with_their_variables(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None)
    report = await inline(campaign, [{"phone": "(11) 98888-7777", "variables": {"Nome": "Ana"}}])
    row = await CampaignMessage.select().where(CampaignMessage.campaign == campaign.id).first()
    assert report.imported == 1
    variables = decode(await variable_names(campaign.id), row["variables"])
    assert (row["phone"], row["raw_phone"], variables) == (
        "5511988887777",
        "(11) 98888-7777",
        {"Nome": "Ana"},
    )


async def test_inline_import_moves_the_campaign_counters(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5511911112222"]))
    await inline(campaign, [{"phone": "11 98888-7777"}, {"phone": "11 97777-6666"}])
    counters = await Campaign.select(Campaign.total_recipients, Campaign.pending_count).where(
        Campaign.id == campaign.id
    )
    assert counters == [{"total_recipients": 3, "pending_count": 3}]


async def test_inline_duplicates_of_existing_recipients_are_skipped(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5511988887777"]))
    report = await inline(campaign, [{"phone": "+55 11 98888-7777"}, {"phone": "11 97777-6666"}])
    assert (report.imported, [(s.row, s.kind.value) for s in report.skipped]) == (1, [(1, "duplicate")])


async def test_inline_recipient_without_a_phone_string_is_a_validation_error(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None)
    with pytest.raises(ValidationFailed) as caught:
        await inline(campaign, [{"phone": "11 98888-7777"}, {"phone": ["x"]}])
    assert caught.value.errors == {"recipients[1].phone": "must be a string"}


async def test_inline_import_of_only_invalid_numbers_is_rejected_and_writes_nothing(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None)
    with pytest.raises(ImportRejected, match="No valid recipient"):
        await inline(campaign, [{"phone": "123"}])
    assert await CampaignMessage.count().where(CampaignMessage.campaign == campaign.id) == 0


async def test_inline_import_into_a_running_campaign_names_its_status(make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, status=CampaignStatus.RUNNING)
    with pytest.raises(IllegalTransition, match="RUNNING"):
        await inline(campaign, [{"phone": "11 98888-7777"}])


async def test_inline_import_into_another_users_campaign_is_not_found(make_user):
    owner, other = await make_user(), await make_user()
    campaign = await make_campaign(owner.id, None)
    with pytest.raises(NotFoundOrNotYours):
        await inline(campaign, [{"phone": "11 98888-7777"}], owner_id=other.id)
