"""Limits an operator sets through the environment: ARAUTO_MAX_RATE and ARAUTO_MAX_RECIPIENTS."""

from __future__ import annotations

import pytest

from models.tables import Campaign
from settings import load_settings
from tests.integration.api_helpers import api_caller, error_fields


@pytest.fixture
def settings(db):
    return load_settings(
        environ={"ARAUTO_MAX_RATE": "120", "ARAUTO_MAX_RECIPIENTS": "3"},
        database_url=db,
        secret_key="test-secret-key",
        scheduler_enabled=False,
        base_url="http://testserver",
        default_locale="en",
    )


async def test_a_raised_max_rate_accepts_faster_campaigns_up_to_the_new_bound(client, make_user):
    caller = await api_caller(make_user)
    accepted = await client.post("/api/campaigns", json=caller.body(rateLimit=120), headers=caller.headers)
    refused = await client.post("/api/campaigns", json=caller.body(rateLimit=121), headers=caller.headers)
    assert accepted.status_code == 201, accepted.text
    assert error_fields(refused) == {"rateLimit": "The rate must be between 1 and 120 messages per minute."}


async def test_more_recipients_than_the_limit_are_refused_and_nothing_is_written(client, make_user):
    caller = await api_caller(make_user)
    four = [{"phone": f"+55 11 98888-000{n}"} for n in range(1, 5)]
    response = await client.post("/api/campaigns", json=caller.body(recipients=four), headers=caller.headers)
    assert error_fields(response) == {"recipients": "Too many recipients: 4; a campaign holds at most 3."}
    assert await Campaign.count() == 0
