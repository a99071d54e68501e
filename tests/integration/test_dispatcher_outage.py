"""A database outage is not a dead worker (issue 16): whatever the dispatcher must write about a claim when the
database cannot be reached is kept and written once it is back, so no claim is left SENDING for the 2-minute lease.
Under load, a PostgreSQL restart hit a claim between its claim and its send, on the read of the campaign's media:
the pass failed and the claim, held by a live sender, waited for the lease (issue 16's restart test)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from models import sending
from models.campaigns import media as campaign_media
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage
from tests.factories import make_campaign, recipient_rows
from tests.sending_helpers import counters_match_statuses, dispatcher, phones, run_until_done, sandbox_instance


def down_for(calls: int, real: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`real`, except that its first `calls` calls meet an unreachable database."""
    left = [calls]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if left[0] > 0:
            left[0] -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return await real(*args, **kwargs)

    return flaky


@pytest.fixture
async def campaign(db, sandbox, make_user) -> Any:
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    recipients = recipient_rows(phones(1))
    return await make_campaign(owner.id, instance.id, recipients=recipients, status=CampaignStatus.RUNNING)


async def message() -> dict[str, Any]:
    row = await CampaignMessage.select(
        CampaignMessage.status, CampaignMessage.claimed_by, CampaignMessage.attempts, CampaignMessage.error
    ).first()
    assert row is not None
    return row


async def test_a_claim_whose_media_could_not_be_read_is_released_then_sent_once(
    campaign, sandbox, clock, evolution, monkeypatch
) -> None:
    monkeypatch.setattr(campaign_media, "payload", down_for(1, campaign_media.payload))
    monkeypatch.setattr(sending, "record_retry", down_for(2, sending.record_retry))  # the release waits too
    sender = dispatcher(clock, evolution)

    report = await sender.run_pass()

    assert report.claimed == 1 and sandbox.requests() == []  # nothing went out
    row = await message()
    assert (row["status"], row["claimed_by"], row["attempts"]) == (MessageStatus.PENDING, "", 0)
    await run_until_done(sender, clock)
    assert [r["body"]["number"] for r in sandbox.requests() if r["path"].startswith("/message/send")] == phones(1)
    counters, by_status = await counters_match_statuses(campaign.id)
    assert counters == by_status and counters["sent"] == 1


async def test_a_retry_outcome_met_by_an_outage_is_written_when_the_database_is_back(
    campaign, sandbox, clock, evolution, monkeypatch
) -> None:
    sandbox.set_knobs(rate_limit_share=1.0, retry_after_s=1)
    monkeypatch.setattr(sending, "record_retry", down_for(2, sending.record_retry))

    report = await dispatcher(clock, evolution).run_pass()

    assert report.retried == 1
    row = await message()
    assert (row["status"], row["claimed_by"], row["attempts"]) == (MessageStatus.PENDING, "", 1)


async def test_a_failed_outcome_met_by_an_outage_is_written_when_the_database_is_back(
    campaign, sandbox, clock, evolution, monkeypatch
) -> None:
    sandbox.set_knobs(not_on_whatsapp=phones(1))
    monkeypatch.setattr(sending, "record_failed", down_for(2, sending.record_failed))

    report = await dispatcher(clock, evolution).run_pass()

    assert report.failed == 1
    assert (await message())["status"] == MessageStatus.FAILED
    counters, by_status = await counters_match_statuses(campaign.id)
    assert counters == by_status and counters["failed"] == 1
